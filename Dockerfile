# Build with the Rust image, run on slim Debian as a non-root user.
FROM rust:1-bookworm AS build
WORKDIR /src
COPY Cargo.toml Cargo.lock ./
COPY src ./src
COPY benches ./benches
COPY fixtures ./fixtures
COPY config ./config
RUN cargo build --release --locked

FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates curl \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /app portalfeed
WORKDIR /app
COPY --from=build /src/target/release/portalfeed /usr/local/bin/portalfeed
COPY --chown=portalfeed config ./config
RUN mkdir -p /app/data && chown portalfeed /app/data
USER portalfeed
VOLUME ["/app/config", "/app/data"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s \
    CMD curl -fsS http://127.0.0.1:8080/healthz >/dev/null || exit 1
# In the container, listen on every interface: set [server] listen = "0.0.0.0:8080"
# and data_dir = "data" in config/portalfeed.toml.
ENTRYPOINT ["portalfeed"]
CMD ["serve", "--config", "config/portalfeed.toml"]
