#!/usr/bin/env bash
# Start the task worker beside the web server; stopping one stops both.
set -euo pipefail
host=${1:-127.0.0.1}; port=${2:-8000}
uv run sifa db_worker --interval 1 &
worker=$!
trap 'kill $worker 2>/dev/null || true' EXIT INT TERM
echo "Sifa 智慧司法平台: http://$host:$port/  (工作台 http://$host:$port/workbench/ , API http://$host:$port/api/v1/docs)"
uv run gunicorn sifa.wsgi:application --bind "$host:$port" --workers 2 --threads 4 --access-logfile - &
web=$!
wait -n $worker $web
