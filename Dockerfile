# The dispatch service (README: "Dispatch service"). Not built by CI here:
# CI has no container runtime; `deno task dispatch` is what CI tests.
FROM denoland/deno:2.9.6

WORKDIR /app
COPY deno.json deno.lock ./
COPY base/ base/
COPY types/ types/
COPY gateway/ gateway/
COPY rest/ rest/
COPY handler/ handler/
COPY redis/ redis/
COPY cache/ cache/
COPY dispatch/ dispatch/
# Fetch the npm packages at build time, so the container starts offline.
RUN deno cache --frozen dispatch/mod.ts

USER deno
EXPOSE 8005
# SIGTERM (docker stop) closes every shard resumably and saves the sessions;
# give it the time to drain (docker stop -t 30, or stop_grace_period).
CMD ["deno", "task", "dispatch"]
