# API Outage: the API is down, or every endpoint fails.
# From seed-runbooks.md, section 1.

target :api,   http:    env("LINEUP_URL", "https://lineup.app"), timeout: 5s
target :stack, compose: env("COMPOSE_FILE", "docker-compose.yml"), timeout: 2m
target :host,  shell:   ".", timeout: 30s

runbook :api_outage do
  title "API Outage"
  severity :critical
  owner "platform-oncall"
  description "Health endpoints do not answer or every endpoint returns 5xx."
  tags :api, :http, :docker

  symptom "Health endpoints not responding"
  symptom "5xx errors from all endpoints"
  symptom "Load balancer health checks failing"

  # Check health endpoints
  check :live, "liveness endpoint answers 200" do
    api.get "/health/live", status: 200
  end

  check :ready, "readiness endpoint answers 200" do
    api.get "/health/ready", status: 200
  end

  # Check container status
  check :backend_running, "backend container is running" do
    docker.container "backend", state: :running
  end

  check :backend_logs, "last 50 lines of the backend's logs", info: true do
    stack.logs "backend", tail: 50
  end

  # Check system resources
  check :backend_memory, "backend uses under 90% of its memory limit" do
    docker.stats "backend", memory_below: 90%
  end

  check :host_memory, "free memory on the host", info: true do
    host.run "free -m"
  end

  check :host_disk, "free disk space on the host", info: true do
    host.run "df -h"
  end

  check :port_3000, "something listens on port 3000", info: true do
    host.run "lsof -i :3000"
  end

  when failed(:backend_running) do
    mitigate "Container crashed: restart backend" do
      stack.restart "backend"
      # Check logs for crash reason
      stack.logs "backend", tail: 200, grep: "error"
    end
  end

  when failed(:backend_memory) do
    mitigate "Out of memory: restart with fresh state",
             destructive: "recreating the stack drops in-memory state and cuts every open request" do
      # Check memory usage
      docker.stats "backend", timeout: 15s
      step "Increase the backend's memory limit in docker-compose.yml if it keeps running out"
      stack.down
      stack.up
    end
  end

  when failed(:backend_running) and passed(:port_3000) do
    mitigate "Port conflict: free port 3000" do
      # Check what's using the port
      host.run "lsof -i :3000"
      step "Kill the conflicting process or change the backend's port"
    end
  end

  # Bad deployment: the container runs but the API does not answer.
  when (failed(:live) or failed(:ready)) and passed(:backend_running) do
    see :deployment_rollback
  end

  confirm within: 2m, every: 5s do
    api.get "/health/live", status: 200
    api.get "/health/ready", status: 200
    # API requests succeeding
    api.get "/api/v1/system-metrics/platform", status: 200
  end

  followup do
    todo "Review crash logs"
    todo "Check for memory leaks"
    todo "Review deployment changes"
  end
end
