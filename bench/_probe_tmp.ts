import process from "node:process";
const cpu = (): number => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
import { MemoryCache } from "../cache/mod.ts";
import { DEFAULT_SEED, eventFrame, rng, schedule } from "./_stream.ts";
const N = Number(Deno.args[0] ?? 300000);
const spec = { events: N, seed: DEFAULT_SEED, last: "MESSAGE_CREATE" as const };
const types = schedule(spec); const random = rng(spec.seed ^ 0x5eed);
const frames: string[] = []; for (let s = 2; s < types.length; s++) frames.push(eventFrame(random, s, types[s]!));
const handler = (_t: string, _d: unknown) => {};
const cache = new MemoryCache({ messages: { perChannel: 100 } });
const third = Math.floor(frames.length / 3);
for (let i = 0; i < 2 * third; i++) { const p = JSON.parse(frames[i]!); cache.apply(p.t, p.d); }
for (let rep = 0; rep < 4; rep++) {
  let t0 = cpu();
  for (let i = 2 * third; i < frames.length; i++) { const p = JSON.parse(frames[i]!); handler(p.t, p.d); }
  const none = cpu() - t0;
  t0 = cpu();
  for (let i = 2 * third; i < frames.length; i++) { const p = JSON.parse(frames[i]!); cache.apply(p.t, p.d); handler(p.t, p.d); }
  const withCache = cpu() - t0;
  console.log(`none ${(none*1000/third).toFixed(2)} us, cache ${(withCache*1000/third).toFixed(2)} us, ratio ${(withCache/none).toFixed(2)}`);
}
console.log(cache.sizes());
const per = new Map<string, [number, number]>();
let parseTotal = 0;
for (let i = 2 * third; i < frames.length; i++) {
  const a0 = cpu();
  const p = JSON.parse(frames[i]!);
  const a = cpu();
  cache.apply(p.t, p.d);
  const b = cpu();
  parseTotal += a - a0;
  const e = per.get(p.t) ?? [0, 0]; e[0] += b - a; e[1]++; per.set(p.t, e);
}
let total = 0;
for (const [t, [ms, n]] of per) { total += ms; console.log(t.padEnd(22), String(n).padStart(6), (ms*1000/n).toFixed(2).padStart(8), "us", (ms*1000/third).toFixed(2), "us/event share"); }
console.log("apply total per event", (total*1000/third).toFixed(2), "parse per event", (parseTotal*1000/third).toFixed(2));
