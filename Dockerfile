# Multi-stage build: compile in the Rust image, run from a slim Debian with only CA roots,
# as an unprivileged user. Commands match the README (`ketnoi serve`, config/ beside the binary).
FROM rust:1.95-slim-bookworm AS build
WORKDIR /src
# Dependencies first, so code changes do not rebuild them.
COPY Cargo.toml Cargo.lock ./
RUN mkdir src && echo 'fn main() {}' > src/main.rs && touch src/lib.rs \
    && cargo build --release --locked && rm -rf src
COPY src src
COPY migrations migrations
COPY config config
RUN touch src/main.rs src/lib.rs && cargo build --release --locked

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home /app ketnoi
WORKDIR /app
COPY --from=build /src/target/release/ketnoi /usr/local/bin/ketnoi
COPY config config
RUN mkdir data && chown ketnoi data
USER ketnoi
# Production: set sim.enabled=false and the real credentials, e.g.
#   KETNOI__SIM__ENABLED=false KETNOI__ZALO__OA_SECRET_KEY=… KETNOI__PRIVACY__IDENTITY_KEY=…
ENV KETNOI__SERVER__LISTEN=0.0.0.0:8080
EXPOSE 8080
ENTRYPOINT ["ketnoi"]
CMD ["serve"]
