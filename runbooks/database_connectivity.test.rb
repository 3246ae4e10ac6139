# Scenarios for runbooks/database_connectivity.rb: `lrb test runbooks/`.

background do
  given :db_connect, :passed
  given :ready, :passed
  given :db_container, :passed, value: "running"
  given :db_logs, :passed
  given :connections, value: 12
end

scenario "healthy: nothing to do" do
  expect order: []
  expect outcome: :healthy
end

scenario "database container down: start it" do
  given :db_container, :failed, value: "exited"
  given :db_connect, :errored
  given :ready, :failed, value: 503

  after "Database container down: start it" do
    given :db_container, :passed, value: "running"
    given :db_connect, :passed
    given :ready, :passed
  end

  given confirm: :passed, after: 15s
  expect order: ["Database container down: start it"]
  expect not_proposed: "Disk full: free space for the database"
  expect confirm: :passed
  expect outcome: :recovered
end

scenario "database container down, nobody to approve the start" do
  given :db_container, :failed, value: "exited"
  given :db_connect, :errored
  operator :absent
  expect refused: "Database container down: start it"
  expect order: []
  expect outcome: :refused
end

scenario "80 connections in use: the pool is exhausted" do
  given :connections, value: 80

  after "Connection pool exhausted: terminate idle connections" do
    given :connections, value: 20
  end

  given confirm: :passed
  expect order: ["Connection pool exhausted: terminate idle connections"]
  expect outcome: :recovered
end

scenario "79 connections in use: still healthy" do
  given :connections, value: 79
  expect order: []
  expect outcome: :healthy
end

scenario "cannot connect although the container runs: disk, then credentials" do
  given :db_connect, :failed
  given :ready, :failed, value: 503
  set :data_dir, "/srv/pg/data"
  given confirm: :failed
  expect order: ["Disk full: free space for the database", "Credentials invalid: verify and reset"]
  expect not_proposed: "Database container down: start it"
  expect confirm: :failed
  expect outcome: :not_recovered
end

scenario "freeing disk space was enough: credentials are not touched" do
  given :db_connect, :failed
  given :ready, :failed, value: 503

  after "Disk full: free space for the database" do
    given :db_connect, :passed
    given :ready, :passed
  end

  given confirm: :passed, after: 1m
  expect order: ["Disk full: free space for the database"]
  expect not_proposed: "Credentials invalid: verify and reset"
  expect outcome: :recovered
end

scenario "the database is fine but the API is not ready: hand over" do
  given :ready, :failed, value: 503
  expect handover: :api_outage
  expect order: []
  expect outcome: :not_recovered
end
