# Build with the Rust image, run on slim Debian as the non-root user
# `portalfeed` (uid 10001, gid 10001). A mounted /app/config and /app/data
# must be writable by that uid: the admin page writes the config and its
# `.bak`, the store writes its snapshot.
#
# tests/container.rs runs this file's ENTRYPOINT + CMD with its ENV, from an
# empty directory laid out like WORKDIR, and then its HEALTHCHECK command:
# keep those four lines in the forms it reads (exec-form JSON arrays,
# `ENV KEY=VALUE` one per line, `HEALTHCHECK ... CMD <shell command>` on one
# logical line).
FROM rust:1-bookworm AS build
WORKDIR /src

# Dependencies first, against a placeholder crate: this layer is rebuilt only
# when Cargo.toml or Cargo.lock change, not for every change to src/.
COPY Cargo.toml Cargo.lock build.rs ./
COPY .cargo ./.cargo
RUN mkdir -p src benches \
    && echo 'fn main() {}' > src/main.rs \
    && touch src/lib.rs \
    && echo 'fn main() {}' > benches/pipeline.rs \
    && cargo build --release --locked \
    && rm -rf src benches target/release/.fingerprint/portalfeed-* \
        target/release/build/portalfeed-* target/release/deps/portalfeed-* \
        target/release/deps/libportalfeed-* target/release/portalfeed

# The crate itself (the fixture portal and config/demo.toml are embedded in
# the binary, so `demo` works in the image too), and the function order its
# link uses (build.rs, link/hot-symbols.txt).
COPY src ./src
COPY benches ./benches
COPY fixtures ./fixtures
COPY config ./config
COPY link ./link
RUN cargo build --release --locked

FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates curl \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 portalfeed \
    && useradd --system --uid 10001 --gid 10001 --home-dir /app portalfeed
WORKDIR /app
COPY --from=build /src/target/release/portalfeed /usr/local/bin/portalfeed
COPY --chown=10001:10001 config ./config
RUN mkdir -p /app/data && chown 10001:10001 /app/data
USER 10001:10001
VOLUME ["/app/config", "/app/data"]
# Every interface, whatever the config file says; the store in /app/data.
ENV PORTALFEED_LISTEN=0.0.0.0:8080
ENV PORTALFEED_DATA_DIR=data
EXPOSE 8080
# Run inside the container: asks the port PORTALFEED_LISTEN names.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s CMD curl -fsS "http://127.0.0.1:${PORTALFEED_LISTEN##*:}/healthz" >/dev/null || exit 1
ENTRYPOINT ["portalfeed"]
CMD ["serve", "--config", "config/portalfeed.toml"]
