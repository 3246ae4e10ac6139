
# ---- Docker (docker) ----

# lrb_docker --timeout S --engine ADDR --op OP [op options] -- NAMES...
# Ops: container [--state S] [--health H]; stats [--memory_below P] [--cpu_below P];
# logs [--tail N] [--grep T]; images; restart [--grace S]; start; stop [--grace S]; tag.
lrb_docker() {
  local -A o=()
  lrb_opts o "$@"
  shift "$LRB_NOPTS"
  lrb_begin
  local -a docker=(docker)
  if [[ ${o[engine]} != local ]]; then
    docker+=(-H "${o[engine]}")
  fi
  case ${o[op]} in
    container) lrb_exec "${o[timeout]}" "${docker[@]}" inspect --type container \
      --format '{{.State.Status}} {{if .State.Health}}{{.State.Health.Status}}{{end}}' -- "$1" ;;
    stats) lrb_exec "${o[timeout]}" "${docker[@]}" stats --no-stream --format '{{.MemPerc}} {{.CPUPerc}}' -- "$1" ;;
    logs) lrb_exec "${o[timeout]}" "${docker[@]}" logs --tail "${o[tail]-all}" -- "$1" ;;
    images) lrb_exec "${o[timeout]}" "${docker[@]}" images --format '{{.Repository}}:{{.Tag}}' ;;
    restart | stop) lrb_exec "${o[timeout]}" "${docker[@]}" "${o[op]}" ${o[grace]:+--time "${o[grace]}"} -- "$1" ;;
    start) lrb_exec "${o[timeout]}" "${docker[@]}" start -- "$1" ;;
    tag) lrb_exec "${o[timeout]}" "${docker[@]}" tag -- "$1" "$2" ;;
  esac
  if ((LRB_RC != 0)); then
    if [[ $LRB_ERR == *'No such '* ]]; then
      lrb_outcome failed "no container named $1"
    else
      lrb_exec_error "docker ${o[op]}" "${o[timeout]}"
    fi
    return 0
  fi
  case ${o[op]} in
    container)
      local state=${LRB_OUT%% *} health=${LRB_OUT#* }
      lrb_value "$state"
      if [[ -v o[state] && $state != "${o[state]}" ]]; then
        lrb_outcome failed "container $1 is $state, expected ${o[state]}"
      elif [[ -v o[health] && $health != "${o[health]}" ]]; then
        lrb_outcome failed "container $1 is ${health:-without a health check}, expected ${o[health]}"
      fi
      ;;
    stats)
      local mem=${LRB_OUT%% *} cpu=${LRB_OUT#* }
      mem=${mem%\%}
      cpu=${cpu%\%}
      lrb_value "$mem"
      if [[ -v o[memory_below] ]] && ! lrb_num "$mem" '<' "${o[memory_below]}"; then
        lrb_outcome failed "container $1 uses ${mem}% of its memory, expected under ${o[memory_below]}%"
      elif [[ -v o[cpu_below] ]] && ! lrb_num "$cpu" '<' "${o[cpu_below]}"; then
        lrb_outcome failed "container $1 uses ${cpu}% CPU, expected under ${o[cpu_below]}%"
      fi
      ;;
    logs)
      # docker logs writes the container's stderr to its own stderr: show both.
      LRB_O=$(timeout "${o[timeout]}" "${docker[@]}" logs --tail "${o[tail]-all}" -- "$1" 2>&1 </dev/null) || true
      if [[ -v o[grep] ]]; then
        LRB_O=$(lrb_grep "$LRB_O" "${o[grep]}")
      fi
      lrb_value "$LRB_O"
      ;;
    images)
      local line count=0
      while IFS= read -r line; do
        if [[ -n $line && $line == *"${o[filter]-}"* ]]; then
          count=$((count + 1))
          LRB_O+="$line"$'\n'
        fi
      done <<<"$LRB_OUT"
      lrb_value "$count"
      ;;
    restart | stop | start | tag) LRB_O=$LRB_OUT ;;
  esac
}
