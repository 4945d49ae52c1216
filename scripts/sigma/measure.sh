#!/usr/bin/env bash
# Wall time per SIGMA task and per photo through the real worker (release build, SQLite, file
# e-mail backend, generated 8 MP phone-like photos), as the worker itself reports it
# ("succeeded in Xs": from the start of the task body to its result, queue wait excluded).
#
# Usage: scripts/sigma/measure.sh [RUNS]   (default 5 runs of each task; prints medians)
# Per photo = (imágenes task with 3 photos − with 1 photo) / 2, likewise for diagnóstico.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
runs="${1:-5}"
py="$root/.venv/celery-5.7/bin/python"
config="${MEASURE_CONFIG:-release}"
swift build -c "$config" --product sigma-worker 2>&1 | tail -1
bin="$(swift build -c "$config" --product sigma-worker --show-bin-path)/sigma-worker"
work="$(mktemp -d /tmp/sigma-measure.XXXXXX)"
redis_pid=""; worker_pid=""
trap '[ -n "$worker_pid" ] && kill $worker_pid 2>/dev/null; [ -n "$redis_pid" ] && kill $redis_pid 2>/dev/null; rm -rf "$work"' EXIT
port=$(( 20000 + RANDOM % 20000 ))
cat > "$work/.env" <<ENV
SIGMA_BASE_DIR=$work
DB_ENGINE=django.db.backends.sqlite3
EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend
EMAIL_FILE_PATH=$work/outbox
CELERY_BROKER_URL=redis://127.0.0.1:$port/0
CELERY_RESULT_BACKEND=redis://127.0.0.1:$port/1
ENV
"$bin" demo-data --env-file "$work/.env" >/dev/null
"$py" scripts/demo/make_assets.py "$work" "$work/media" --db "$work/db.sqlite3" >/dev/null
redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --logfile "$work/redis.log" &
redis_pid=$!
for _ in $(seq 50); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
export CELERY_BROKER_URL="redis://127.0.0.1:$port/0" CELERY_RESULT_BACKEND="redis://127.0.0.1:$port/1"
"$bin" worker --env-file "$work/.env" -l INFO -c 1 -f "$work/worker.log" &
worker_pid=$!
declare -A kwargs=(
  [rhitso]='{"orden_id": 1, "destinatarios_principales": ["lab@rhitso.example.com"], "copia_empleados": [], "usuario_id": 1}'
  [diagnostico_0]='{"orden_id": 1, "folio": "M-1", "componentes_data": [{"componente_db": "Motherboard", "dpn": "X", "seleccionado": true}], "imagenes_ids": [], "destinatarios_copia": [], "mensaje_personalizado": "", "email_empleado": "", "nombre_empleado": "", "usuario_id": 1}'
  [diagnostico_2]='{"orden_id": 1, "folio": "M-2", "componentes_data": [], "imagenes_ids": ["4", "5"], "destinatarios_copia": [], "mensaje_personalizado": "", "email_empleado": "", "nombre_empleado": "", "usuario_id": 1}'
  [imagenes_1]='{"orden_id": 1, "imagenes_ids": ["1"], "destinatarios_copia": [], "mensaje_personalizado": "", "usuario_id": 1}'
  [imagenes_3]='{"orden_id": 1, "imagenes_ids": ["1", "2", "3"], "destinatarios_copia": [], "mensaje_personalizado": "", "usuario_id": 1}'
)
declare -A task=([rhitso]=rhitso [diagnostico_0]=diagnostico [diagnostico_2]=diagnostico [imagenes_1]=imagenes [imagenes_3]=imagenes)
for name in rhitso diagnostico_0 diagnostico_2 imagenes_1 imagenes_3; do
    for _ in $(seq "$runs"); do
        id=$("$py" scripts/sigma/enqueue.py send "${task[$name]}" "${kwargs[$name]}")
        "$py" scripts/sigma/enqueue.py get "$id" 300 >/dev/null
        echo "$name $(grep -F "[$id] succeeded in" "$work/worker.log" | sed -E 's/.*succeeded in ([0-9.e-]+)s.*/\1/')"
    done
done > "$work/times.txt"
"$py" - "$work/times.txt" <<'PY'
import statistics, sys
times = {}
for line in open(sys.argv[1]):
    name, value = line.split()
    times.setdefault(name, []).append(float(value))
med = {k: statistics.median(v) for k, v in times.items()}
print(f"{'task':34} {'median s':>9} {'min s':>8}  runs")
labels = {"rhitso": "enviar_correo_rhitso (PDF 2 p., 3 photos)", "diagnostico_0": "enviar_diagnostico_cliente (0 photos)",
          "diagnostico_2": "enviar_diagnostico_cliente (2 photos)", "imagenes_1": "enviar_imagenes_cliente (1 photo)",
          "imagenes_3": "enviar_imagenes_cliente (3 photos)"}
for k, v in times.items():
    print(f"{labels[k]:34} {med[k]:9.3f} {min(v):8.3f}  {len(v)}")
print(f"per 8 MP photo, customer rule (imágenes 3-1)/2:      {(med['imagenes_3'] - med['imagenes_1']) / 2:.3f} s")
print(f"per 8 MP photo, customer rule (diagnóstico 2-0)/2:   {(med['diagnostico_2'] - med['diagnostico_0']) / 2:.3f} s")
PY
