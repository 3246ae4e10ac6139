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

scenario "backend crashed and port 3000 held: restart, then free the port" do
  given :backend_running, :failed, value: "exited"
  given :port_3000, :passed
  given :live, :errored
  given :ready, :errored
  given confirm: :failed
  expect order: ["Container crashed: restart backend", "Port conflict: free port 3000"]
  expect not_proposed: "Out of memory: restart with fresh state"
  expect confirm: :failed
  expect outcome: :not_recovered
end

scenario "backend came back after the restart: the port is not checked again" do
  given :backend_running, :failed, value: "exited"
  given :port_3000, :passed

  after "Container crashed: restart backend" do
    given :backend_running, :passed, value: "running"
  end

  given confirm: :passed, after: 20s
  expect order: ["Container crashed: restart backend"]
  expect not_proposed: "Port conflict: free port 3000"
  expect outcome: :recovered
end

scenario "out of memory, nobody at the terminal: the destructive restart is refused" do
  given :backend_memory, value: 97%
  operator :absent
  flags :yes
  expect refused: "Out of memory: restart with fresh state"
  expect order: []
  expect no_destructive: true
  expect outcome: :refused
end

scenario "out of memory, destructive steps allowed: recreate the stack" do
  given :backend_memory, value: 97%
  operator :absent
  flags :yes, :allow_destructive

  after "Out of memory: restart with fresh state" do
    given :backend_memory, value: 30%
  end

  given confirm: :passed
  expect order: ["Out of memory: restart with fresh state"]
  expect outcome: :recovered
end

scenario "out of memory, the operator skips the restart" do
  given :backend_memory, value: 97%
  answer "Out of memory: restart with fresh state", :skip
  expect skipped: "Out of memory: restart with fresh state"
  expect order: []
  expect outcome: :aborted
end

scenario "backend runs but does not answer: hand over to the rollback" do
  given :live, :failed, value: 502
  expect handover: :deployment_rollback
  expect order: []
  expect outcome: :not_recovered
end

scenario "only readiness fails: still a bad deployment" do
  given :ready, :failed, value: 503
  expect handover: :deployment_rollback
  expect order: []
  expect outcome: :not_recovered
end
