#!/usr/bin/env bash
# bench-security.sh: what security costs (issue 14). Runs workload A on a local 3-node cluster
# (scripts/kvorum up, so at KVORUM_HTTP_BASE_PORT / KVORUM_INTERNODE_BASE_PORT / KVORUM_DATA) in these
# configurations (CONFIGS, default all six), one after another in the same run and interleaved over
# ROUNDS rounds (every other round in reverse order) so that a noisy machine drifts over all of them alike:
#   open   no security at all ('up --no-auth': no cluster secret)
#   plain  the default: internode authentication (a cluster secret), plain HTTP without tokens
#   itls   internode mutual TLS ('up --tls') besides the secret
#   auth   plain, and http.auth.tokens-file (a bearer token per request)
#   tls    plain, and http.tls.* (HTTPS)       both   plain, HTTPS and tokens
# Each run loads RECORDS records, warms up WARMUP s, measures DURATION s. Needs openssl for the
# throw-away certificate. Output: $KVORUM_DATA/bench-security/<config>-<round>.txt and a summary.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
KV="$ROOT/scripts/kvorum"
DATA=${KVORUM_DATA:-$ROOT/data}
OUT="$DATA/bench-security"
HTTP_BASE=${KVORUM_HTTP_BASE_PORT:-8080}
ROUNDS=${ROUNDS:-2}
DURATION=${DURATION:-20}
WARMUP=${WARMUP:-10}
RECORDS=${RECORDS:-10000}
CONNECTIONS=${CONNECTIONS:-16}
# Three JVMs starting (and, with TLS, their first handshakes) on a busy 2-core machine can take a minute.
export KVORUM_UP_TIMEOUT=${KVORUM_UP_TIMEOUT:-180}
command -v openssl >/dev/null 2>&1 || { echo "bench-security: needs openssl for a throw-away certificate" >&2; exit 2; }

rm -rf "$OUT"
mkdir -p "$OUT"
chmod 700 "$OUT"
TOKEN=$(openssl rand -hex 32)
printf '%s read,write\n' "$TOKEN" >"$OUT/tokens"
chmod 600 "$OUT/tokens"
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$OUT/key.pem" -out "$OUT/cert.pem" -days 2 -subj /CN=127.0.0.1 \
  -addext subjectAltName=IP:127.0.0.1,DNS:localhost 2>/dev/null
chmod 600 "$OUT/key.pem"
NODES="127.0.0.1:$((HTTP_BASE + 1)),127.0.0.1:$((HTTP_BASE + 2)),127.0.0.1:$((HTTP_BASE + 3))"

# run CONFIG ROUND: the cluster up with CONFIG's settings in its environment, one bench run, down.
run() {
  local config=$1 round=$2 env_args=() bench_args=() up_args=()
  case $config in
    open) up_args+=(--no-auth) ;;
    itls) up_args+=(--tls) ;;
  esac
  case $config in
    auth | both) env_args+=("KVORUM_HTTP_AUTH_TOKENS_FILE=$OUT/tokens" "KVORUM_TOKEN=$TOKEN") ;;
  esac
  case $config in
    tls | both)
      env_args+=("KVORUM_HTTP_TLS_CERT_FILE=$OUT/cert.pem" "KVORUM_HTTP_TLS_KEY_FILE=$OUT/key.pem")
      bench_args+=(--tls-ca "$OUT/cert.pem")
      ;;
  esac
  env "${env_args[@]}" "$KV" up ${up_args[@]+"${up_args[@]}"} >"$OUT/$config-$round.up.log" 2>&1 || { cat "$OUT/$config-$round.up.log" >&2; "$KV" down; exit 1; }
  env "${env_args[@]}" "$KV" bench --workload a --nodes "$NODES" -p "recordcount=$RECORDS" --connections "$CONNECTIONS" \
    --duration "$DURATION" --warmup "$WARMUP" --seed 14 --progress 0 --out "$OUT/$config-$round" "${bench_args[@]}" \
    >"$OUT/$config-$round.txt" 2>&1 || { cat "$OUT/$config-$round.txt" >&2; "$KV" down; exit 1; }
  "$KV" down >/dev/null 2>&1
  # The run phase's ALL line: count and ops/s.
  awk -v c="$config" -v r="$round" '$1 == "kvorum" && $2 == "run" && $3 == "ALL" { printf "%s round %s: %s ops/s (%s operations)\n", c, r, $5, $4 }' \
    "$OUT/$config-$round.txt" | tee -a "$OUT/summary.txt"
}

# Odd rounds go plain..both, even rounds back, so that a machine getting busier or quieter during the
# run does not favour the configurations measured first.
for round in $(seq 1 "$ROUNDS"); do
  order=${CONFIGS:-open plain itls auth tls both}
  [ $((round % 2)) = 0 ] && order=$(printf '%s\n' $order | awk '{ a[NR] = $0 } END { for (i = NR; i >= 1; i--) printf "%s ", a[i] }')
  for config in $order; do
    run "$config" "$round"
  done
done
echo "bench-security: reports in $OUT; summary:"
cat "$OUT/summary.txt"
