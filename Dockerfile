# Multi-stage build: compile in the Rust image, run from a slim Debian with only CA roots,
# as an unprivileged user. Commands match the README (`ketnoi serve`, config/ beside the binary).
FROM rust:1.95-slim-bookworm AS build
WORKDIR /src
# Dependencies first, so code changes do not rebuild them: the workspace's manifests over empty
# sources (the simulator, crates/zalo-sim, is a dependency of the binary; Cargo.toml names the
# bench, so its file must exist too).
COPY Cargo.toml Cargo.lock ./
COPY crates/zalo-sim/Cargo.toml crates/zalo-sim/
RUN mkdir -p src crates/zalo-sim/src benches && echo 'fn main() {}' > src/main.rs \
    && touch src/lib.rs crates/zalo-sim/src/lib.rs benches/hot_paths.rs \
    && cargo build --release --locked && rm -rf src crates/zalo-sim/src benches
COPY src src
COPY crates crates
COPY benches benches
COPY migrations migrations
COPY config config
RUN touch src/main.rs src/lib.rs crates/zalo-sim/src/lib.rs && cargo build --release --locked

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home /app ketnoi
WORKDIR /app
COPY --from=build /src/target/release/ketnoi /usr/local/bin/ketnoi
COPY config config
RUN mkdir data && chown ketnoi data
USER ketnoi
# Safe by default: production mode. Without real credentials `serve` refuses to start and names
# the missing setting (KETNOI__ZALO__APP_ID, KETNOI__ZALO__OA_SECRET_KEY, KETNOI__ZALO__APP_SECRET,
# KETNOI__ZALO__REFRESH_TOKEN, KETNOI__PRIVACY__IDENTITY_KEY, KETNOI__OFFICERS__CHIEF_ID…); the
# public sandbox secrets are refused. Only the webhook listens on all interfaces; /metrics stays
# on 127.0.0.1:9464 and the station console on 127.0.0.1:8081 inside the container unless
# KETNOI__OPS__LISTEN / KETNOI__CONSOLE__LISTEN say otherwise.
# To try the sandbox locally instead: -e KETNOI__SIM__ENABLED=true -p 127.0.0.1:8080:8080
ENV KETNOI__SIM__ENABLED=false
ENV KETNOI__SERVER__LISTEN=0.0.0.0:8080
EXPOSE 8080
ENTRYPOINT ["ketnoi"]
CMD ["serve"]
