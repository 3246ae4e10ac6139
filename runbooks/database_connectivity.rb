# Database Connectivity Failure: the application cannot reach PostgreSQL.
# From seed-runbooks.md, section 2.

target :db,    postgres: secret("DATABASE_URL"), timeout: 5s
target :api,   http:     env("LINEUP_URL", "https://lineup.app"), timeout: 5s
target :stack, compose:  env("COMPOSE_FILE", "docker-compose.yml"), timeout: 2m
target :host,  shell:    ".", timeout: 30s

param :data_dir, default: "/var/lib/postgresql/data", description: "PostgreSQL's data directory"

runbook :database_connectivity do
  title "Database Connectivity Failure"
  severity :critical
  owner "platform-oncall"
  description "The application cannot connect to or query PostgreSQL."
  tags :database, :postgres

  symptom "`/health/ready` failing on database check"
  symptom "\"Connection refused\" errors"
  symptom "Timeout errors on database queries"

  # Test database connection (psql $DATABASE_URL -c "SELECT 1")
  check :db_connect, "the database accepts connections and answers SELECT 1" do
    db.connect
  end

  check :ready, "readiness endpoint answers 200" do
    api.get "/health/ready", status: 200
  end

  # Check database container
  check :db_container, "the postgres container is running" do
    docker.container "postgres", state: :running
  end

  check :db_logs, "last 50 lines of the database's logs", info: true do
    stack.logs "db", tail: 50
  end

  # Check connection count
  check :connections, "connections in use" do
    db.query "SELECT count(*) FROM pg_stat_activity", below: 80
  end

  when failed(:db_container) do
    mitigate "Database container down: start it" do
      stack.up "db"
      # Wait for startup
      wait 10s
      # Verify
      stack.logs "db", tail: 20
    end
  end

  when value(:connections) >= 80 do
    mitigate "Connection pool exhausted: terminate idle connections" do
      # Check active connections
      db.query "SELECT state, count(*) FROM pg_stat_activity GROUP BY state"
      # Terminate idle connections
      db.query <<~SQL
        SELECT pg_terminate_backend(pid)
        FROM pg_stat_activity
        WHERE state = 'idle' AND query_start < NOW() - INTERVAL '1 hour';
      SQL
    end
  end

  when failed(:db_connect) and passed(:db_container) do
    mitigate "Disk full: free space for the database" do
      # Check disk space
      host.run "df -h #{data_dir}"
      step "Clean old WAL files or expand the disk"
    end

    mitigate "Credentials invalid: verify and reset" do
      step "Verify the DATABASE_URL environment variable"
      step "Reset the database password if needed"
    end
  end

  # The database is fine but the API is not ready: not a database problem.
  when failed(:ready) and passed(:db_connect) do
    see :api_outage
  end

  confirm within: 2m, every: 5s do
    # Database connection succeeds
    db.connect
    api.get "/health/ready", status: 200
    # Application queries working
    db.query "SELECT 1", equals: "1"
  end

  followup do
    todo "Review connection pool settings"
    todo "Check for connection leaks"
    todo "Monitor disk usage"
  end
end
