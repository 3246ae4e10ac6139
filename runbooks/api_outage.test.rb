# Scenarios for runbooks/api_outage.rb: `lrb test runbooks/`.

background do
  given :live, :passed
  given :ready, :passed
  given :backend_running, :passed, value: "running"
  given :backend_logs, :passed
  given :backend_memory, value: 42%
  given :host_memory, :passed
  given :host_disk, :passed
  given :port_3000, :failed
end

scenario "healthy: nothing to do" do
  expect order: []
  expect outcome: :healthy
end

scenario "backend crashed: restart it" do
  given :backend_running, :failed, value: "exited"
  given :live, :errored
  given :ready, :errored
  after "Container crashed: restart backend" do
    given :backend_running, :passed, value: "running"
    given :live, :passed
    given :ready, :passed
  end
  given confirm: :passed
  expect mitigation: "Container crashed: restart backend"
  expect no_mitigation: "Out of memory: restart with fresh state"
  expect order: ["Container crashed: restart backend"]
  expect outcome: :recovered
end
