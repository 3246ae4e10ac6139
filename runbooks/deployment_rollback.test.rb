# Scenarios for runbooks/deployment_rollback.rb: `lrb test runbooks/`.

background do
  given :recent_deploys, :passed
  given :version, :passed, value: "v1.3.0"
  given :error_rate, value: 0.4
  given :error_ratio, value: 0.001
  given :ready, :passed
  given :gh_cli, :passed
end

scenario "healthy: nothing to roll back" do
  expect order: []
  expect outcome: :healthy
end

scenario "error rate spiked, GitHub CLI at hand: trigger the workflow" do
  given :error_rate, value: 12
  set :release, "v1.2.9"
  given confirm: :passed, after: 3m
  expect order: ["Via GitHub Actions: trigger the rollback workflow"]
  expect not_proposed: "Quick Rollback (< 5 minutes)"
  expect outcome: :recovered
end

scenario "Prometheus counts 12.5% of requests failing while the platform endpoint looks fine" do
  given :error_ratio, series: ['{} 0.125']
  given :gh_cli, :failed
  set :previous_commit, "4f2a9c1"

  after "Quick Rollback (< 5 minutes)" do
    given :error_ratio, value: 0.001
  end

  given confirm: :passed
  expect order: ["Quick Rollback (< 5 minutes)"]
  expect outcome: :recovered
end

scenario "Prometheus has no data for the job: lrb cannot call it healthy, so it proposes the rollback" do
  given :error_ratio, series: []
  given confirm: :passed
  expect order: ["Via GitHub Actions: trigger the rollback workflow"]
  expect outcome: :recovered
end

scenario "an error rate of exactly 5% is a breach" do
  given :error_rate, value: 5
  given confirm: :passed
  expect order: ["Via GitHub Actions: trigger the rollback workflow"]
  expect outcome: :recovered
end

scenario "not ready, no GitHub CLI: the quick rollback is enough" do
  given :ready, :failed, value: 503
  given :gh_cli, :failed
  set :previous_commit, "4f2a9c1"

  after "Quick Rollback (< 5 minutes)" do
    given :ready, :passed
  end

  given confirm: :passed
  expect order: ["Quick Rollback (< 5 minutes)"]
  expect not_proposed: "Full Rollback (with database)"
  expect not_proposed: "Via GitHub Actions: trigger the rollback workflow"
  expect outcome: :recovered
end

scenario "the GitHub CLI errored: roll back by hand" do
  given :error_rate, value: 9.5
  given :gh_cli, :errored
  set :previous_commit, "4f2a9c1"

  after "Quick Rollback (< 5 minutes)" do
    given :error_rate, value: 0.3
  end

  given confirm: :passed
  expect order: ["Quick Rollback (< 5 minutes)"]
  expect outcome: :recovered
end

scenario "the quick rollback did not help, nobody to approve the restore" do
  given :error_rate, value: 30
  given :gh_cli, :failed
  set :previous_commit, "4f2a9c1"
  operator :absent
  flags :yes
  given confirm: :failed
  expect order: ["Quick Rollback (< 5 minutes)"]
  expect refused: "Full Rollback (with database)"
  expect no_destructive: true
  expect confirm: :failed
  expect outcome: :refused
end

scenario "a migration broke it: restore the database" do
  given :error_rate, value: 30
  given :gh_cli, :failed
  set :previous_commit, "4f2a9c1"
  set :backup, "backups/pre-deploy-20261201.sql.gz"
  operator :absent
  flags :yes, :allow_destructive

  after "Full Rollback (with database)" do
    given :error_rate, value: 0.2
  end

  given confirm: :passed
  expect order: ["Quick Rollback (< 5 minutes)", "Full Rollback (with database)"]
  expect confirm: :passed
  expect outcome: :recovered
end
