# Queue Backlog / Stuck Jobs: jobs pile up and are not processed.
# From seed-runbooks.md, section 3.

target :api,     http:       env("LINEUP_URL", "https://lineup.app"), timeout: 5s
target :queue,   redis:      env("REDIS_URL", "redis://127.0.0.1:6379"), timeout: 5s
target :stack,   compose:    env("COMPOSE_FILE", "docker-compose.yml"), timeout: 2m
target :metrics, prometheus: env("PROMETHEUS_URL", "http://127.0.0.1:9090"), timeout: 10s

param :job, default: "lineup", description: "the backend's Prometheus job"

runbook :queue_backlog do
  title "Queue Backlog / Stuck Jobs"
  severity :high
  owner "platform-oncall"
  description "Queue depth keeps growing, jobs are not processed, or workers report errors."
  tags :queue, :redis, :workers

  symptom "Queue depth continuously growing"
  symptom "Jobs not being processed"
  symptom "Workers reporting errors"

  # Check all queue metrics
  check :queues, "queue metrics endpoint answers", info: true do
    api.get "/api/v1/system-metrics/queues", status: 200
  end

  check :queue_depth, "jobs waiting in the default queue" do
    api.get "/api/v1/system-metrics/queues", json: "/queues/0/waiting", below: 1000
  end

  # The same depth as Prometheus scrapes it from the backend.
  check :queue_waiting, "under 1000 jobs waiting in the default queue (Prometheus)" do
    metrics.query "max(lineup_queue_jobs{job='#{job}', queue='default', state='waiting'})", below: 1000
  end

  check :failed_jobs, "failed jobs in the default queue" do
    api.get "/api/v1/system-metrics/queues", json: "/queues/0/failed"
  end

  # Check Redis connection
  check :redis, "Redis answers PING" do
    queue.ping
  end

  # Check worker processes
  check :workers, "worker service is running" do
    stack.ps "worker"
  end

  check :worker_logs, "last 50 lines of the workers' logs", info: true do
    stack.logs "worker", tail: 50
  end

  when failed(:workers) do
    mitigate "Workers not running: restart workers" do
      stack.restart "worker"
    end
  end

  when passed(:workers) and (failed(:queue_depth) or failed(:queue_waiting)) do
    mitigate "Workers cannot keep up: scale up" do
      stack.up "worker", scale: 3
    end
  end

  when failed(:redis) do
    mitigate "Redis connection issue: restart Redis" do
      stack.restart "redis"
      # Verify connection
      queue.ping
    end
  end

  when value(:failed_jobs) > 0 do
    mitigate "Jobs failing repeatedly (poison message): move them to the DLQ" do
      step "Move stuck jobs to the dead-letter queue via the BullMQ admin UI or API"
      # Check failed job details
      api.get "/api/v1/system-metrics/queues", json: "/queues"
    end
  end

  when failed(:queue_depth) and passed(:redis) do
    mitigate "Clear queue (nuclear option)",
             destructive: "FLUSHDB deletes every pending job; only if losing them is acceptable" do
      queue.command "FLUSHDB"
    end
  end

  confirm within: 5m, every: 10s do
    # Queue depth decreasing
    api.get "/api/v1/system-metrics/queues", json: "/queues/0/waiting", below: 1000
    # No new failures
    api.get "/api/v1/system-metrics/queues", json: "/queues/0/failed", below: 1
    step "Jobs completing successfully: the workers' logs show jobs finishing"
    queue.ping
  end

  followup do
    todo "Review what caused backup"
    todo "Check for slow processors"
    todo "Consider queue partitioning"
  end
end
