# SNE: one image for the web portals, the workers and the command line.
FROM python:3.11-slim-bookworm

# Debian packages the system needs (the same list as bin/bootstrap): PDF rasterising,
# the pyzbar QR decoder, French OCR, the DejaVu fonts embedded in documents.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        poppler-utils libzbar0 tesseract-ocr tesseract-ocr-fra fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    SNE_VAR_DIR=/var/lib/sne \
    OMP_THREAD_LIMIT=1

RUN useradd --system --create-home --home-dir /home/sne --uid 10001 sne \
    && mkdir -p /var/lib/sne && chown sne:sne /var/lib/sne

WORKDIR /app
# The whole source tree less what .dockerignore leaves out: every package setup.cfg
# installs (sne, scanning, workers, and synth and demo, which `sne demo` imports).
COPY . .
RUN pip install --no-cache-dir .

USER sne
VOLUME ["/var/lib/sne"]
CMD ["sne", "--help"]
