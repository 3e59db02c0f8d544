# SNE: one image for the web portals, the workers and the command line.

# The portals' front-end assets (the DSFR), exactly as package-lock.json pins them.
FROM node:20-bookworm-slim AS assets
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund

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
# installs (sne, scanning, workers, guichet_portal, and synth and demo, which `sne demo` imports).
COPY . .
COPY --from=assets /app/node_modules ./node_modules
# Editable, so the portal finds node_modules/ beside its package, as on a developer's machine.
RUN pip install --no-cache-dir -e .

USER sne
VOLUME ["/var/lib/sne"]
EXPOSE 8000
EXPOSE 8001
# The guichet portal on gunicorn, 2 worker processes; `sne …` runs the other commands.
CMD ["python", "-m", "guichet_portal", "--bind", "0.0.0.0:8000", "--workers", "2"]
