# shellcheck shell=bash
# What Keycloak runs from: the distribution (fetched once with Maven, unpacked and built in the cache),
# the per-run-dir home, its secrets and its database in the project's PostgreSQL. Sourced by keycloak.sh.

# An HTTP status code, or 000 when nothing answers. curl when present, else Python (which every
# machine running the services has): a minimal Debian has no curl.
http_code() {
  if command -v curl >/dev/null; then
    curl -s -o /dev/null -w '%{http_code}' --max-time 3 "$1" || true
    return 0
  fi
  python3 - "$1" <<'EOP' 2>/dev/null || echo 000
import sys, urllib.error, urllib.request
try:
    print(urllib.request.urlopen(sys.argv[1], timeout=3).status)
except urllib.error.HTTPError as error:
    print(error.code)
EOP
}

# unzip when present, else Python's zipfile, which drops the execute bits the scripts need.
kc_unzip() {
  if command -v unzip >/dev/null; then
    unzip -q "$1" -d "$2"
  else
    python3 -m zipfile -e "$1" "$2"
    chmod +x "$2"/keycloak-*/bin/*.sh
  fi
}

# Fetched, unpacked and built once per cache (under a lock: two run dirs may start at once); every
# start is then `start --optimized` from a run dir's own home and never writes into the cache.
kc_ensure_distribution() {
  mkdir -p "$KC_CACHE"
  (
    flock 8
    local zip="$KC_CACHE/keycloak-quarkus-dist-$KC_VERSION.zip" started=$SECONDS
    if [[ ! -s "$KC_DIST/version.txt" ]]; then
      if [[ ! -s "$zip" ]]; then
        command -v mvn >/dev/null || die "mvn not found (needed once to fetch Keycloak $KC_VERSION)"
        log "infra: fetching org.keycloak:keycloak-quarkus-dist:$KC_VERSION:zip (about 165 MB) into $KC_CACHE ..."
        # The plugin version is pinned: Maven 3.8's default dependency plugin is too old.
        mvn -B -q -Dstyle.color=never \
          org.apache.maven.plugins:maven-dependency-plugin:3.6.1:copy \
          -Dartifact="org.keycloak:keycloak-quarkus-dist:$KC_VERSION:zip" -DoutputDirectory="$KC_CACHE" \
          >"$KC_CACHE/maven.log" 2>&1 \
          || { tail -n 40 "$KC_CACHE/maven.log" >&2; die "maven could not fetch the Keycloak distribution"; }
      fi
      rm -rf -- "$KC_DIST.tmp" && mkdir -p "$KC_DIST.tmp"
      kc_unzip "$zip" "$KC_DIST.tmp" || die "could not unpack $zip"
      rm -rf -- "$KC_DIST" && mv "$KC_DIST.tmp/keycloak-$KC_VERSION" "$KC_DIST" && rmdir "$KC_DIST.tmp"
    fi
    if [[ ! -f "$KC_DIST/.anpr-built" ]]; then
      log "infra: building Keycloak for PostgreSQL (once per cache) ..."
      "$KC_DIST/bin/kc.sh" build --db=postgres --cache=local >"$KC_CACHE/build.log" 2>&1 \
        || { tail -n 30 "$KC_CACHE/build.log" >&2; die "kc.sh build failed (see $KC_CACHE/build.log)"; }
      touch "$KC_DIST/.anpr-built"
      log "infra: Keycloak distribution ready ($((SECONDS - started))s)"
    fi
  ) 8>"$KC_CACHE/.lock"
}

# kc.home.dir per run dir: bin/ and conf/ copied, lib/themes/providers linked, data/ its own.
kc_prepare_home() {
  mkdir -p "$KC_HOME/data/import"
  rm -rf -- "$KC_HOME/bin" "$KC_HOME/conf"
  cp -r "$KC_DIST/bin" "$KC_DIST/conf" "$KC_HOME/"
  local d
  for d in lib themes providers; do ln -sfn "$KC_DIST/$d" "$KC_HOME/$d"; done
  rm -f "$KC_HOME"/data/import/*.json
  cp "$KC_REALM_DIR"/*.json "$KC_HOME/data/import/"
}

# Demo passwords, the console's client secret and the bootstrap admin's password: generated once per
# run dir and kept, because the realm stored in PostgreSQL holds the values of its first import.
kc_secret() {
  mkdir -p "$KC_DIR/secrets" && chmod 700 "$KC_DIR/secrets"
  persistent_secret "$KC_DIR/secrets/$1"
}
kc_demo_password() { kc_secret "demo-$(tr 'A-Z_' 'a-z-' <<<"$1")-password"; }

# The variables the realm file's ${...} placeholders and kc.sh read; passed to kc.sh only.
kc_launch_env() {
  local entry
  echo "ANPR_CONSOLE_PORT=$CONSOLE_PORT"
  echo "ANPR_OIDC_CONSOLE_CLIENT_SECRET=$(kc_secret console-client-secret)"
  echo "ANPR_PUBLIC_OIDC_CONSOLE_CLIENT_SECRET=$(kc_secret public-console-client-secret)"
  for entry in "${KC_PEOPLE[@]}" "${KC_APPLICANTS[@]}"; do
    echo "ANPR_DEMO_${entry%%:*}_PASSWORD=$(kc_demo_password "${entry%%:*}")"
  done
  echo "KC_BOOTSTRAP_ADMIN_USERNAME=admin"
  echo "KC_BOOTSTRAP_ADMIN_PASSWORD=$(kc_secret bootstrap-admin-password)"
  echo "JAVA_OPTS_KC_HEAP=-Xms64m -Xmx512m"
}

# Keycloak keeps its data in a database of its own in the project's PostgreSQL (started before it).
kc_create_database() {
  pg_find_bin
  local psql=("$PG_BIN/psql" -X -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -v ON_ERROR_STOP=1)
  if [[ "$("${psql[@]}" -tAc "SELECT 1 FROM pg_database WHERE datname = 'keycloak'")" != 1 ]]; then
    "${psql[@]}" -c 'CREATE DATABASE keycloak' >/dev/null
    log "infra: created database keycloak"
  fi
}

# The realm is imported only when it does not exist yet; one imported for another console port would
# refuse the console's login redirect. Keycloak answers 400 to an authorization request whose
# redirect_uri its client does not allow (an allowed one is answered with the login page or, lacking
# PKCE parameters, a 302 back to that redirect_uri), so this asks it.
kc_check_console_redirect() {
  local redirect="http%3A%2F%2F127.0.0.1%3A$CONSOLE_PORT%2Fauth%2Fcallback" code
  code="$(http_code "$KC_ISSUER/protocol/openid-connect/auth?client_id=anpr-console&response_type=code&scope=openid&redirect_uri=$redirect")"
  [[ "$code" != 400 ]] && return 0
  log "infra: warning: the realm refuses the console's redirect to port $CONSOLE_PORT (HTTP $code): it was imported"
  log "infra:   for another ANPR_CONSOLE_PORT. Re-import: infra.sh down keycloak; psql -h 127.0.0.1 -p $PG_PORT -U postgres"
  log "infra:   -c 'DROP DATABASE keycloak'; infra.sh up (or down --purge for a fresh run dir)"
}
