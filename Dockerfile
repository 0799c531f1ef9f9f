# One image for the five services (`anpr run SERVICE` picks one; `anpr migrate` brings the schemas to head).
FROM python:3.11-slim
COPY --from=ghcr.io/astral-sh/uv:0.13.8 /uv /usr/local/bin/uv
WORKDIR /app
COPY . .
RUN uv sync --frozen --no-dev
ENV PATH="/app/.venv/bin:$PATH"
# recognition derives its detector graphs from the installed model on first use (int8 calibration takes
# minutes on two cores): build them here, so a pod starts in seconds and never writes to its file system.
ENV ANPR_MODEL_CACHE=/app/.model-cache
RUN python -c "from anpr_recognition.adapters.prepared_models import prepared_detector as p; p('int8'); p('fp32')"
# nobody has no home; anything a library caches goes to /tmp (an emptyDir in deploy/k8s).
ENV HOME=/tmp
USER nobody
