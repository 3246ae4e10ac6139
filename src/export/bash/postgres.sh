
# ---- PostgreSQL (psql) ----

# lrb_sql_literal VAR VALUE: VALUE as the body of an E'...' literal, `\` and `'` doubled.
lrb_sql_literal() {
  local bs=\\ q=\' v
  v=${2//"$bs"/"$bs$bs"}
  printf -v "$1" '%s' "${v//"$q"/"$q$q"}"
}

# lrb_sql_identifier VAR VALUE: VALUE as the body of a "..." identifier, `"` doubled.
lrb_sql_identifier() {
  local q='"'
  printf -v "$1" '%s' "${2//"$q"/"$q$q"}"
}

# lrb_pg --timeout S --url URL [--sql SQL] [--below N] [--above N] [--equals T]
# Without --sql: connects and runs `SELECT 1`. The value is the first column of the first row.
lrb_pg() {
  local -A o=()
  lrb_opts o "$@"
  lrb_begin
  # Values are quoted for these settings (`crate::fill::sql`), whatever the server's defaults.
  local -x PGCLIENTENCODING=UTF8 PGOPTIONS="${PGOPTIONS:+$PGOPTIONS }-c standard_conforming_strings=on"
  lrb_exec "${o[timeout]}" psql -X -w -q -A -t -v ON_ERROR_STOP=1 -P pager=off -F $'\x1f' \
    -d "${o[url]}" -c "${o[sql]-SELECT 1}"
  if ((LRB_RC != 0)); then
    lrb_exec_error psql "${o[timeout]}"
    return 0
  fi
  LRB_O=$LRB_OUT
  if [[ -v o[sql] && -n $LRB_OUT ]]; then
    local row=${LRB_OUT%%$'\n'*}
    lrb_value "${row%%$'\x1f'*}"
  fi
  lrb_bounds o
}
