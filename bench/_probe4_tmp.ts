import { MemoryCache } from "../cache/mod.ts";
import { DEFAULT_SEED, eventFrame, rng } from "./_stream.ts";
const random = rng(DEFAULT_SEED);
const type = Number(Deno.args[0] ?? 0);
const frames: string[] = [];
for (let s = 2; s < 30000; s++) frames.push(eventFrame(random, s, type));
const cache = new MemoryCache({ messages: { perChannel: 100 } });
function loop(): void { for (const f of frames) { const p = JSON.parse(f); cache.apply(p.t, p.d); } }
for (let rep = 0; rep < 10; rep++) loop();
