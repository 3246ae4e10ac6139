# Scenarios for runbooks/queue_backlog.rb: `lrb test runbooks/`.

background do
  given :queues, :passed
  given :queue_depth, value: 12
  given :queue_waiting, series: ['{} 12']
  given :failed_jobs, value: 0
  given :redis, :passed
  given :workers, :passed
  given :worker_logs, :passed
end

scenario "healthy: nothing to do" do
  expect order: []
  expect outcome: :healthy
end

scenario "workers stopped: restarting them drains the queue" do
  given :workers, :failed
  given :queue_depth, value: 1500

  after "Workers not running: restart workers" do
    given :workers, :passed
    given :queue_depth, value: 300
  end

  given confirm: :passed, after: 2m
  expect order: ["Workers not running: restart workers"]
  expect not_proposed: "Clear queue (nuclear option)"
  expect no_destructive: true
  expect outcome: :recovered
end

scenario "workers stopped, the operator skips the restart" do
  given :workers, :failed
  answer "Workers not running: restart workers", :skip
  expect skipped: "Workers not running: restart workers"
  expect order: []
  expect outcome: :aborted
end

scenario "workers cannot keep up, nobody to approve flushing: scale up, flush refused" do
  given :queue_depth, value: 1500
  operator :absent
  flags :yes
  given confirm: :failed
  expect order: ["Workers cannot keep up: scale up"]
  expect refused: "Clear queue (nuclear option)"
  expect no_destructive: true
  expect confirm: :failed
  expect outcome: :refused
end

scenario "Prometheus sees a backlog the HTTP endpoint misses: scale up, never flush" do
  given :queue_waiting, value: 1500
  operator :absent
  flags :yes, :allow_destructive
  given confirm: :passed
  expect order: ["Workers cannot keep up: scale up"]
  expect not_proposed: "Clear queue (nuclear option)"
  expect outcome: :recovered
end

scenario "workers cannot keep up, destructive steps allowed: scale up, then flush" do
  given :queue_depth, value: 1000
  operator :absent
  flags :yes, :allow_destructive

  after "Clear queue (nuclear option)" do
    given :queue_depth, value: 0
  end

  given confirm: :passed
  expect order: ["Workers cannot keep up: scale up", "Clear queue (nuclear option)"]
  expect outcome: :recovered
end

scenario "Redis does not answer: restart it, never flush it" do
  given :redis, :errored

  after "Redis connection issue: restart Redis" do
    given :redis, :passed
  end

  given confirm: :passed
  expect order: ["Redis connection issue: restart Redis"]
  expect not_proposed: "Clear queue (nuclear option)"
  expect outcome: :recovered
end

scenario "failed jobs: move the poison messages to the DLQ" do
  given :failed_jobs, value: 7

  after "Jobs failing repeatedly (poison message): move them to the DLQ" do
    given :failed_jobs, value: 0
  end

  given confirm: :passed
  expect order: ["Jobs failing repeatedly (poison message): move them to the DLQ"]
  expect outcome: :recovered
end
