# reghook, built from this repository on Debian 12.
FROM debian:12 AS build
RUN apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
      build-essential cmake pkg-config libpoco-dev libleveldb-dev libsnappy-dev libssl-dev \
      googletest libgtest-dev ca-certificates
WORKDIR /src
COPY . .
RUN cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DREGHOOK_BUILD_TESTS=OFF \
 && cmake --build build -j"$(nproc)" --target reghook

FROM debian:12-slim
RUN apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
      libpocofoundation80 libpoconet80 libpoconetssl80 libpococrypto80 libpocojson80 libpocoutil80 \
      libleveldb1d libsnappy1v5 ca-certificates \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /src/build/reghook /usr/local/bin/reghook
COPY --from=build /src/build/console /usr/local/bin/console
COPY examples/reghook.json /etc/reghook/reghook.json
VOLUME /var/lib/reghook
EXPOSE 8080
ENV REGHOOK_DATA_DIR=/var/lib/reghook
ENTRYPOINT ["/usr/local/bin/reghook"]
CMD ["serve", "--config", "/etc/reghook/reghook.json"]
