#!/usr/bin/env bash
# Creates the Python environments the tests, fixtures and benchmarks use (idempotent).
#   .venv/celery-5.3  Celery 5.3.6 / kombu 5.3.7 (oldest client SIGMA allows)
#   .venv/celery-5.7  Celery 5.7.0 / kombu 5.7.0, plus the tools the tests talk to:
#                     aiosmtpd (SMTP server), Pillow + reportlab + numpy (benchmarks, checks),
#                     ephem (Celery's solar schedules)
#   .venv/django-5.2  Django 5.2.x, psycopg, django-celery-beat 2.9 (with Celery 5.7, redis): the template
#                     engine, EmailMessage and beat the differential tests compare with
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
py="${PYTHON:-python3}"

make_env() {
    local dir="$1"; shift
    local stamp="$dir/.installed"
    local want="$*"
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
        return 0
    fi
    rm -rf "$dir"
    "$py" -m venv "$dir"
    "$dir/bin/pip" install -q --disable-pip-version-check "$@"
    echo "$want" > "$stamp"
}

make_env "$root/.venv/celery-5.3" "celery[redis]==5.3.6" "kombu==5.3.7"
make_env "$root/.venv/celery-5.7" "celery[redis]==5.7.0" "kombu==5.7.0" \
    "aiosmtpd==1.4.6" "Pillow" "reportlab" "numpy" "ephem"
make_env "$root/.venv/django-5.2" "django>=5.2,<5.3" "psycopg[binary]>=3.1,<4" "django-celery-beat>=2.9,<2.10" "celery[redis]" "packaging"
echo "python environments ready in $root/.venv"
