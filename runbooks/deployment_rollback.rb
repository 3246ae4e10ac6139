# Deployment Rollback: a new deployment broke things; go back to the last good one.
# From seed-runbooks.md, section 4.

target :api,     http:       env("LINEUP_URL", "https://lineup.app"), timeout: 5s
target :stack,   compose:    env("COMPOSE_FILE", "docker-compose.yml"), timeout: 2m
target :repo,    shell:      env("LINEUP_REPO", ".")
target :metrics, prometheus: env("PROMETHEUS_URL", "http://127.0.0.1:9090"), timeout: 10s

param :previous_version, default: "previous-version", description: "image tag of the last good release"
param :previous_commit,  description: "git commit of the last good release"
param :backup,           default: "backups/pre-deploy-YYYYMMDD.sql.gz", description: "database dump taken before the deploy"
param :release,          default: "v1.0.0", description: "version the rollback workflow deploys"
param :job,              default: "lineup", description: "the backend's Prometheus job"

runbook :deployment_rollback do
  title "Deployment Rollback"
  severity :high
  owner "platform-oncall"
  description "A new deployment causes errors; roll back the image, and the database if a migration broke it."
  tags :deploy, :rollback

  symptom "New deployment causing issues"
  symptom "Features broken after deploy"
  symptom "Error rate spiked post-deploy"

  # Check recent deployments
  check :recent_deploys, "last 10 commits", info: true do
    repo.run "git log --oneline -10"
  end

  # Check current version
  check :version, "version the API reports", info: true do
    api.get "/health/details", json: "/version"
  end

  # Check error rate
  check :error_rate, "platform error rate below 5%" do
    api.get "/api/v1/system-metrics/platform", json: "/error_rate", below: 5
  end

  # The share of requests that failed, as Prometheus counted them over the last minute.
  check :error_ratio, "under 5% of requests failed in the last minute (Prometheus)" do
    metrics.query <<~PROMQL, below: 0.05
      sum(rate(lineup_http_requests_total{job="#{job}", code=~"5.."}[1m]))
        / sum(rate(lineup_http_requests_total{job="#{job}"}[1m]))
    PROMQL
  end

  check :ready, "readiness endpoint answers 200" do
    api.get "/health/ready", status: 200
  end

  check :gh_cli, "the GitHub CLI is installed", info: true do
    repo.run "command -v gh"
  end

  # Via GitHub Actions, when the CLI is there.
  when (failed(:error_rate) or failed(:error_ratio) or failed(:ready)) and passed(:gh_cli) do
    mitigate "Via GitHub Actions: trigger the rollback workflow" do
      # Trigger rollback workflow
      repo.run "gh workflow run rollback.yml -f version=#{release}"
    end
  end

  when (failed(:error_rate) or failed(:error_ratio) or failed(:ready)) and not passed(:gh_cli) do
    mitigate "Quick Rollback (< 5 minutes)" do
      # 1. Get previous image
      docker.images "lineup-backend", timeout: 15s
      # 2. Rollback to previous tag
      stack.down
      docker.tag "lineup-backend:#{previous_version}", "lineup-backend:latest"
      stack.up
      # 3. Verify
      api.get "/health/ready"
    end

    mitigate "Full Rollback (with database)",
             destructive: "restoring the backup loses every write made since it was taken" do
      step "Only if a migration caused the issue: confirm the failed deploy ran one"
      # 1. Stop application
      stack.down
      # 2. Restore database backup
      repo.run "./scripts/restore-db.sh #{backup} production"
      # 3. Checkout previous code
      repo.run "git checkout #{previous_commit}"
      # 4. Rebuild and deploy
      stack.build
      stack.up
      # 5. Verify
      api.get "/health/ready"
    end
  end

  confirm within: 5m, every: 10s do
    step "Previous version running: /health/details reports the release you rolled back to"
    # Error rate back to normal
    api.get "/api/v1/system-metrics/platform", json: "/error_rate", below: 5
    # All health checks passing
    api.get "/health/live", status: 200
    api.get "/health/ready", status: 200
  end

  followup do
    todo "Document what caused the issue"
    todo "Fix in new deployment"
    todo "Add tests to prevent recurrence"
    todo "Update deployment checklist"
  end
end
