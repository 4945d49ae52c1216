#!/usr/bin/env bash
# One-command demo of sigma-worker running SIGMA's three tasks.
#
# On a fresh Debian machine, as root, it installs what it needs (scripts/install-deps.sh), builds
# sigma-worker, creates a SQLite demo database with sample orders and generated photos, starts a
# throwaway redis-server, enqueues the tasks with the real Python Celery client exactly as SIGMA's
# views do (.delay with keyword arguments), runs sigma-worker with the file e-mail backend until
# they are done, and shows the results (AsyncResult.get()), the e-mails and the PDFs.
#
# Everything runs under a temporary folder and is stopped and removed at the end; the e-mails
# and PDFs are copied to $DEMO_OUTPUT (default /tmp/sigma-demo-output). Bounded: each wait has a
# time-out (DEMO_TIMEOUT seconds per task, default 120).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
timeout_s="${DEMO_TIMEOUT:-120}"
output="${DEMO_OUTPUT:-/tmp/sigma-demo-output}"
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

say "1/7 dependencies"
if [ "$(id -u)" = 0 ]; then
    bash scripts/install-deps.sh
else
    echo "not root: skipping apt installs (run as root on a fresh machine)"
    bash scripts/setup-python.sh
fi
py="$root/.venv/celery-5.7/bin/python"

say "2/7 build"
swift build --product sigma-worker 2>&1 | grep -Ev '^\[[0-9]+/[0-9]+\]' || true
bin="$(swift build --product sigma-worker --show-bin-path)/sigma-worker"
[ -x "$bin" ] || { echo "build failed" >&2; exit 1; }

work="$(mktemp -d /tmp/sigma-demo.XXXXXX)"
redis_pid=""
worker_pid=""
cleanup() {
    [ -n "$worker_pid" ] && kill "$worker_pid" 2>/dev/null && wait "$worker_pid" 2>/dev/null || true
    [ -n "$redis_pid" ] && kill "$redis_pid" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

say "3/7 demo database, photos, logos ($work)"
port=$(( 20000 + RANDOM % 20000 ))
cat > "$work/.env" <<ENV
SIGMA_BASE_DIR=$work
DB_ENGINE=django.db.backends.sqlite3
DB_NAME=db.sqlite3
DB_NAME_AR=db_argentina.sqlite3
EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend
EMAIL_FILE_PATH=$work/outbox
DEFAULT_FROM_EMAIL=SIGMA Demo <noreply@sigma-demo.example>
CELERY_BROKER_URL=redis://127.0.0.1:$port/0
CELERY_RESULT_BACKEND=redis://127.0.0.1:$port/1
ENV
# A deployment's own e-mail templates (for example a SIGMA checkout's servicio_tecnico/templates):
# SIGMA_TEMPLATE_DIRS=/path/a:/path/b bash scripts/demo.sh renders the e-mails from them.
if [ -n "${SIGMA_TEMPLATE_DIRS:-}" ]; then echo "SIGMA_TEMPLATE_DIRS=$SIGMA_TEMPLATE_DIRS" >> "$work/.env"; fi
mkdir -p "$work/outbox"
"$bin" demo-data --env-file "$work/.env"
"$py" scripts/demo/make_assets.py "$work" "$work/media" --db "$work/db.sqlite3" --db "$work/db_argentina.sqlite3"

say "4/7 redis-server on 127.0.0.1:$port"
redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --logfile "$work/redis.log" &
redis_pid=$!
for _ in $(seq 50); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done

say "5/7 enqueue with the Python Celery client (.delay, keyword arguments, as SIGMA's views)"
export CELERY_BROKER_URL="redis://127.0.0.1:$port/0" CELERY_RESULT_BACKEND="redis://127.0.0.1:$port/1"
enqueue() { "$py" scripts/sigma/enqueue.py "$@"; }
id_debug=$(enqueue send debug '{}')
id_rhitso=$(enqueue send rhitso '{"orden_id": 1, "destinatarios_principales": ["laboratorio@rhitso.example.com", "recepcion@rhitso.example.com"], "copia_empleados": ["jperez@example.com"], "usuario_id": 1}')
id_diag=$(enqueue send diagnostico '{"orden_id": 1, "folio": "DX-2026-0001", "componentes_data": [{"componente_db": "Motherboard", "dpn": "L52480-001", "seleccionado": true, "es_necesaria": true}, {"componente_db": "Pantalla", "dpn": "", "seleccionado": false, "es_necesaria": true}, {"componente_db": "Batería", "dpn": "BAT-HP-41", "seleccionado": true, "es_necesaria": false}, {"componente_db": "Limpieza y mantenimiento", "dpn": "", "seleccionado": true, "es_necesaria": true}], "imagenes_ids": ["4", "5"], "destinatarios_copia": ["jperez@example.com"], "mensaje_personalizado": "Hola,\nadjuntamos el diagnóstico de su equipo.\n\nSaludos.", "email_empleado": "jperez@example.com", "nombre_empleado": "Juan Pérez", "usuario_id": 1}')
id_img=$(enqueue send imagenes '{"orden_id": 1, "imagenes_ids": ["1", "2", "3"], "destinatarios_copia": [], "mensaje_personalizado": "Le compartimos las fotografías de ingreso de su equipo.", "usuario_id": 1}')
id_missing=$(enqueue send imagenes '{"orden_id": 999, "imagenes_ids": ["1"], "destinatarios_copia": [], "mensaje_personalizado": "", "usuario_id": null}')
echo "queued: debug $id_debug, rhitso $id_rhitso, diagnostico $id_diag, imagenes $id_img, imagenes (order 999) $id_missing"

say "6/7 sigma-worker worker (file e-mail backend into $work/outbox)"
"$bin" worker --env-file "$work/.env" -l INFO -c 2 -f "$work/worker.log" &
worker_pid=$!
for id in "$id_rhitso" "$id_diag" "$id_img" "$id_missing"; do
    enqueue get "$id" "$timeout_s" | "$py" -c 'import json,sys; r=json.load(sys.stdin); print(r["status"], json.dumps(r["result"], ensure_ascii=False))'
done
kill "$worker_pid"; wait "$worker_pid" 2>/dev/null || true; worker_pid=""
echo "--- worker log (task lines)"
grep -E '\[(RHITSO|DIAGNOSTICO|IMAGENES)\]|Tarea de prueba|succeeded|retry|raised' "$work/worker.log" | cut -c1-260 || true

say "7/7 e-mails and PDFs"
rm -rf "$output"; mkdir -p "$output"
cp "$work"/outbox/*.eml "$output"/ 2>/dev/null || cp "$work"/outbox/* "$output"/
"$py" - "$output" <<'PY'
import email, email.policy, glob, os, sys
out = sys.argv[1]
for path in sorted(glob.glob(os.path.join(out, "*"))):
    if os.path.isdir(path) or path.endswith(".pdf"):
        continue
    with open(path, "rb") as f:
        message = email.message_from_bytes(f.read(), policy=email.policy.default)
    print(f"\n{os.path.basename(path)}\n  Subject: {message['Subject']}\n  From: {message['From']}\n  To: {message['To']}" + (f"\n  Cc: {message['Cc']}" if message['Cc'] else ""))
    for part in message.walk():
        if part.is_multipart():
            continue
        data = part.get_payload(decode=True)
        print(f"  - {part.get_content_type():16} {part.get_content_disposition() or '':10} {part.get_filename() or '':45} {len(data):>9} bytes")
        if part.get_content_type() == "application/pdf":
            with open(os.path.join(out, part.get_filename()), "wb") as f:
                f.write(data)
PY
for pdf in "$output"/*.pdf; do
    [ -f "$pdf" ] || continue
    echo; echo "--- $(basename "$pdf") ($(pdfinfo "$pdf" 2>/dev/null | awk '/^Pages/ {print $2}') page(s)), text:"
    pdftotext -layout "$pdf" - 2>/dev/null | sed '/^\s*$/d' | head -40
done
echo
echo "Database after the tasks (history of order 1, state):"
sqlite3 "$work/db.sqlite3" "SELECT estado FROM servicio_tecnico_ordenservicio WHERE id = 1; SELECT id, tipo_evento, replace(comentario, char(10), ' | ') FROM servicio_tecnico_historialorden WHERE orden_id = 1 ORDER BY id;" 2>/dev/null \
    || "$py" -c "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); [print(*r) for r in c.execute('SELECT id, tipo_evento, comentario FROM servicio_tecnico_historialorden WHERE orden_id = 1 ORDER BY id')]" "$work/db.sqlite3"
echo
echo "E-mails and PDFs kept in $output (open the .eml files with any mail client)."
