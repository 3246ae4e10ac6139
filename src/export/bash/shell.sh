
# ---- shell commands ----

# lrb_shell --timeout S --dir DIR --command LINE [--exit N] [--contains T] [bounds]
# Runs the line with `bash -c` in DIR; parameters reach it as exported `LRB_P_*` variables.
# The value is stdout, trimmed.
lrb_shell() {
  local -A o=()
  lrb_opts o "$@"
  lrb_begin
  if ! cd -- "${o[dir]}" 2>/dev/null; then
    lrb_outcome error "cannot enter directory ${o[dir]}"
    return 0
  fi
  lrb_exec "${o[timeout]}" bash -c "${o[command]}"
  cd - >/dev/null
  if ((LRB_RC == 124)); then
    lrb_exec_error bash "${o[timeout]}"
    return 0
  fi
  local out=$LRB_OUT
  out=${out#"${out%%[![:space:]]*}"}
  out=${out%"${out##*[![:space:]]}"}
  LRB_O=$out
  # Empty output is no value, as in `lrb run`.
  if [[ -n $out ]]; then
    lrb_value "$out"
  fi
  if ((LRB_RC != ${o[exit]-0})); then
    lrb_outcome failed "exit code $LRB_RC, expected ${o[exit]-0}${LRB_ERR:+: $LRB_ERR}"
    return 0
  fi
  if [[ -v o[contains] && $out != *"${o[contains]}"* ]]; then
    lrb_outcome failed "the output does not contain $(lrb_mask "${o[contains]}")"
    return 0
  fi
  lrb_bounds o
}
