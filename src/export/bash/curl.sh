
# ---- curl, for HTTP and Prometheus ----

# lrb_curl INPUT ARGS...: runs `curl -sS ARGS` with INPUT on its stdin and the body kept in a
# private file: LRB_CURL_RC gets its exit code (28: timed out), LRB_CURL_OUT what `-w`
# wrote, LRB_CURL_BODY the body and LRB_ERR its stderr.
lrb_curl() {
  local input=$1 bodyfile="$LRB_TMP/body.$BASHPID" errfile="$LRB_TMP/stderr.$BASHPID"
  shift
  LRB_CURL_RC=0
  LRB_CURL_OUT=$(printf '%s' "$input" | curl -sS -o "$bodyfile" "$@" 2>"$errfile") || LRB_CURL_RC=$?
  LRB_ERR=$(<"$errfile")
  rm -f "$errfile"
  LRB_CURL_BODY=
  if [[ -f $bodyfile ]]; then
    LRB_CURL_BODY=$(<"$bodyfile")
    rm -f "$bodyfile"
  fi
}
