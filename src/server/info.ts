/**
 * @module
 * INFO: the sections and fields of Redis 7.0.15, in its order and under its names, with this
 * server's values. Fields for machinery bunredis does not have (forks, replication, AOF, defrag,
 * Lua) report what Redis reports when that machinery is idle, so tools that parse INFO keep
 * working and nothing claims activity that did not happen.
 *
 * Memory figures: bunredis's data lives in the JavaScript heap, so `used_memory` is the heap's
 * live bytes (`process.memoryUsage().heapUsed`, where every key and value is) plus `external`
 * (buffers held by JS objects); `used_memory_rss` is the process's resident set size. Redis's
 * allocator fields map onto the heap: allocated = heapUsed, active = heapTotal, resident = rss.
 * `used_memory_startup` is `used_memory` when the server was created; the overhead adds client
 * buffers and the keyspace's hash tables (estimated as Redis counts its own: entries, slots and
 * object headers); the dataset is what remains.
 */
import { arch, machine, release, totalmem, type } from "node:os";
import { BUNREDIS_VERSION, REDIS_VERSION } from "./version.ts";
import type { Server } from "./server.ts";

/** Sections INFO shows without arguments (and for `default`), in Redis's order. */
const DEFAULT_SECTIONS = ["server", "clients", "memory", "persistence", "stats", "replication", "cpu", "modules", "errorstats", "cluster", "keyspace"];

/** Redis's STATS_METRIC_SAMPLES: instantaneous metrics average this many samples. */
const METRIC_SAMPLES = 16;

/** How often the cron samples instantaneous metrics (Redis: every 100 ms). */
export const METRIC_PERIOD_MS = 100;

/**
 * Instantaneous rates (INFO's `instantaneous_ops_per_sec`, `instantaneous_input_kbps`, ...): the
 * cron samples each counter every 100 ms; a rate is the mean of the last 16 samples, as Redis's
 * `trackInstantaneousMetric` computes it.
 */
export class InstantaneousMetrics {
  /** Per metric (commands, net input, net output): the last samples, per second. */
  private readonly samples = [new Array<number>(METRIC_SAMPLES).fill(0), new Array<number>(METRIC_SAMPLES).fill(0), new Array<number>(METRIC_SAMPLES).fill(0)];
  private index = 0;
  private lastTime = 0;
  private lastReadings = [0, 0, 0];

  /** Takes one sample of the three counters at `now` (ms). */
  sample(now: number, commands: number, netInput: number, netOutput: number): void {
    const elapsed = now - this.lastTime;
    const readings = [commands, netInput, netOutput];
    for (let metric = 0; metric < 3; metric++) {
      const delta = readings[metric]! - this.lastReadings[metric]!;
      this.samples[metric]![this.index] = elapsed > 0 ? Math.trunc((delta * 1000) / elapsed) : 0;
    }
    this.index = (this.index + 1) % METRIC_SAMPLES;
    this.lastTime = now;
    this.lastReadings = readings;
  }

  /** Forgets every sample (CONFIG RESETSTAT); counters restart from zero at `now`. */
  reset(now: number): void {
    for (const samples of this.samples) samples.fill(0);
    this.index = 0;
    this.lastTime = now;
    this.lastReadings = [0, 0, 0];
  }

  private mean(metric: number): number {
    let sum = 0;
    for (const value of this.samples[metric]!) sum += value;
    return Math.trunc(sum / METRIC_SAMPLES);
  }

  /** Commands per second. */
  get opsPerSecond(): number {
    return this.mean(0);
  }

  /** Input kilobytes per second. */
  get inputKbps(): number {
    return this.mean(1) / 1024;
  }

  /** Output kilobytes per second. */
  get outputKbps(): number {
    return this.mean(2) / 1024;
  }
}

/** One memory reading, in bytes (see the module comment for what each measures). */
export interface MemoryFigures {
  used: number;
  rss: number;
  peak: number;
  startup: number;
  /** Heap bytes in use (allocator_allocated). */
  allocated: number;
  /** Heap bytes reserved (allocator_active). */
  active: number;
  /** Query and reply buffers of normal clients. */
  clients: number;
  /** Per non-empty database: estimated [main table, expires table] overhead. */
  databases: Map<number, [number, number]>;
  /** startup + clients + the databases' tables. */
  overhead: number;
  /** used - overhead (not below 0). */
  dataset: number;
}

/** Redis's hash table sizes: an entry, a slot (pointer), an object header. */
const DICT_ENTRY = 24;
const DICT_SLOT = 8;
const OBJECT_HEADER = 16;

/** Slots of a Redis hash table holding `size` entries (a power of two, at least 4). */
function tableSlots(size: number): number {
  return size === 0 ? 0 : Math.max(4, 2 ** Math.ceil(Math.log2(size)));
}

/** The JS heap's live bytes plus external memory: what `used_memory` reports. */
export function usedMemory(): number {
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.external;
}

/** Reads the memory figures now (and raises the server's recorded peak if passed). */
export function memoryFigures(server: Server): MemoryFigures {
  const usage = process.memoryUsage();
  const used = usage.heapUsed + usage.external;
  if (used > server.peakMemory) server.peakMemory = used;
  let clients = 0;
  for (const handle of server.clients.values()) clients += handle.queryBufferBytes() + handle.outputBytes();
  const databases = new Map<number, [number, number]>();
  let overhead = server.startupMemory + clients;
  for (const db of server.keyspace.dbs) {
    if (db.size === 0) continue;
    const main = db.size * (DICT_ENTRY + OBJECT_HEADER) + tableSlots(db.size) * DICT_SLOT;
    const expires = db.expires.size * DICT_ENTRY + tableSlots(db.expires.size) * DICT_SLOT;
    databases.set(db.id, [main, expires]);
    overhead += main + expires;
  }
  return { used, rss: usage.rss, peak: server.peakMemory, startup: server.startupMemory, allocated: usage.heapUsed, active: usage.heapTotal, clients, databases, overhead, dataset: Math.max(0, used - overhead) };
}

/** Redis's `bytesToHuman`: `1023B`, `1.25K`, `12.21M`, ... */
export function bytesToHuman(bytes: number): string {
  const units = ["B", "K", "M", "G", "T", "P"];
  if (bytes < 1024) return `${bytes}B`;
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(2)}${units[unit]}`;
}

/** A ratio as Redis prints a float field (`%.2f`), guarding division by zero. */
function ratio(numerator: number, denominator: number): string {
  return (denominator > 0 ? numerator / denominator : 0).toFixed(2);
}

/** CPU seconds as Redis prints them: `%ld.%06ld`. */
function cpuSeconds(micros: number): string {
  return `${Math.floor(micros / 1e6)}.${String(Math.floor(micros % 1e6)).padStart(6, "0")}`;
}

type Fields = [string, string | number][];

function serverSection(server: Server): Fields {
  const now = server.clock.now();
  const uptime = Math.floor((now - server.startedAt) / 1000);
  const hz = server.config.hz;
  return [
    ["redis_version", REDIS_VERSION],
    ["bunredis_version", BUNREDIS_VERSION],
    ["redis_git_sha1", "00000000"],
    ["redis_git_dirty", 0],
    ["redis_build_id", "0"],
    ["redis_mode", "standalone"],
    ["os", `${type()} ${release()} ${machine()}`],
    ["arch_bits", arch().endsWith("64") ? 64 : 32],
    ["monotonic_clock", "POSIX clock_gettime"],
    ["multiplexing_api", process.platform === "linux" ? "epoll" : "kqueue"],
    ["atomicvar_api", "none"],
    ["gcc_version", "0.0.0"],
    ["process_id", process.pid],
    ["process_supervised", "no"],
    ["run_id", server.runId],
    ["tcp_port", server.tcpPort],
    ["server_time_usec", Math.floor(now * 1000)],
    ["uptime_in_seconds", uptime],
    ["uptime_in_days", Math.floor(uptime / 86400)],
    ["hz", hz],
    ["configured_hz", hz],
    // Redis's LRU clock: seconds, in 24 bits.
    ["lru_clock", Math.floor(now / 1000) & 0xffffff],
    ["executable", process.execPath],
    ["config_file", server.configFile ?? ""],
    ["io_threads_active", 0],
  ];
}

function clientsSection(server: Server): Fields {
  let maxInput = 0;
  let maxOutput = 0;
  let blocked = 0;
  for (const handle of server.clients.values()) {
    maxInput = Math.max(maxInput, handle.queryBufferBytes());
    maxOutput = Math.max(maxOutput, handle.outputBytes());
    // Clients held by CLIENT PAUSE are not counted as blocked, as in Redis.
    if (handle.client.blocked && handle.client.postponed === undefined) blocked++;
  }
  return [
    ["connected_clients", server.clients.size],
    ["cluster_connections", 0],
    ["maxclients", server.config.maxclients],
    ["client_recent_max_input_buffer", maxInput],
    ["client_recent_max_output_buffer", maxOutput],
    ["blocked_clients", blocked],
    ["tracking_clients", 0],
    ["clients_in_timeout_table", 0],
  ];
}

function memorySection(server: Server): Fields {
  const memory = memoryFigures(server);
  const system = totalmem();
  const maxmemory = server.config.maxmemory;
  return [
    ["used_memory", memory.used],
    ["used_memory_human", bytesToHuman(memory.used)],
    ["used_memory_rss", memory.rss],
    ["used_memory_rss_human", bytesToHuman(memory.rss)],
    ["used_memory_peak", memory.peak],
    ["used_memory_peak_human", bytesToHuman(memory.peak)],
    ["used_memory_peak_perc", `${ratio(memory.used * 100, memory.peak)}%`],
    ["used_memory_overhead", memory.overhead],
    ["used_memory_startup", memory.startup],
    ["used_memory_dataset", memory.dataset],
    ["used_memory_dataset_perc", `${ratio(memory.dataset * 100, memory.used - memory.startup)}%`],
    ["allocator_allocated", memory.allocated],
    ["allocator_active", memory.active],
    ["allocator_resident", memory.rss],
    ["total_system_memory", system],
    ["total_system_memory_human", bytesToHuman(system)],
    ["used_memory_lua", 0],
    ["used_memory_vm_eval", 0],
    ["used_memory_lua_human", bytesToHuman(0)],
    ["used_memory_scripts_eval", 0],
    ["number_of_cached_scripts", 0],
    ["number_of_functions", 0],
    ["number_of_libraries", 0],
    ["used_memory_vm_functions", 0],
    ["used_memory_vm_total", 0],
    ["used_memory_vm_total_human", bytesToHuman(0)],
    ["used_memory_functions", 0],
    ["used_memory_scripts", 0],
    ["used_memory_scripts_human", bytesToHuman(0)],
    ["maxmemory", maxmemory],
    ["maxmemory_human", bytesToHuman(maxmemory)],
    ["maxmemory_policy", server.config["maxmemory-policy"]],
    ["allocator_frag_ratio", ratio(memory.active, memory.allocated)],
    ["allocator_frag_bytes", memory.active - memory.allocated],
    ["allocator_rss_ratio", ratio(memory.rss, memory.active)],
    ["allocator_rss_bytes", memory.rss - memory.active],
    ["rss_overhead_ratio", "1.00"],
    ["rss_overhead_bytes", 0],
    ["mem_fragmentation_ratio", ratio(memory.rss, memory.used)],
    ["mem_fragmentation_bytes", memory.rss - memory.used],
    ["mem_not_counted_for_evict", 0],
    ["mem_replication_backlog", 0],
    ["mem_total_replication_buffers", 0],
    ["mem_clients_slaves", 0],
    ["mem_clients_normal", memory.clients],
    ["mem_cluster_links", 0],
    ["mem_aof_buffer", 0],
    ["mem_allocator", `bun-${Bun.version}`],
    ["active_defrag_running", 0],
    ["lazyfree_pending_objects", 0],
    ["lazyfreed_objects", 0],
  ];
}

function persistenceSection(server: Server): Fields {
  const persistence = server.persistence;
  const loading = persistence.loading;
  const aof = persistence.aof;
  const fields: Fields = [
    ["loading", loading ? 1 : 0],
    ["async_loading", 0],
  ];
  if (loading) {
    const elapsed = Math.max(0.001, (performance.now() - loading.startedAt) / 1000);
    const percent = persistence.loadedPercent();
    fields.push(
      ["loading_start_time", Math.floor((server.clock.now() - elapsed * 1000) / 1000)],
      ["loading_total_bytes", loading.totalBytes],
      ["loading_rdb_used_mem", 0],
      ["loading_loaded_bytes", loading.loadedBytes],
      ["loading_loaded_perc", percent.toFixed(2)],
      ["loading_eta_seconds", percent > 0 ? Math.round((elapsed * (100 - percent)) / percent) : 1],
    );
  }
  fields.push(
    ["current_cow_peak", 0],
    ["current_cow_size", 0],
    ["current_cow_size_age", 0],
    ["current_fork_perc", "0.00"],
    ["current_save_keys_processed", 0],
    ["current_save_keys_total", 0],
    ["rdb_changes_since_last_save", server.dirty],
    ["rdb_bgsave_in_progress", persistence.bgsaveInProgress ? 1 : 0],
    ["rdb_last_save_time", server.lastSave],
    ["rdb_last_bgsave_status", persistence.lastBgsaveOk ? "ok" : "err"],
    ["rdb_last_bgsave_time_sec", persistence.lastBgsaveSeconds],
    ["rdb_current_bgsave_time_sec", persistence.bgsaveSeconds],
    ["rdb_saves", persistence.rdbSaves],
    ["rdb_last_cow_size", 0],
    ["rdb_last_load_keys_expired", persistence.lastLoadKeysExpired],
    ["rdb_last_load_keys_loaded", persistence.lastLoadKeysLoaded],
    ["aof_enabled", aof ? 1 : 0],
    ["aof_rewrite_in_progress", aof?.rewriteInProgress ? 1 : 0],
    ["aof_rewrite_scheduled", persistence.rewriteScheduled ? 1 : 0],
    ["aof_last_rewrite_time_sec", aof?.lastRewriteSeconds ?? -1],
    ["aof_current_rewrite_time_sec", -1],
    ["aof_last_bgrewrite_status", aof === undefined || aof.lastRewriteOk ? "ok" : "err"],
    ["aof_rewrites", persistence.aofRewrites],
    ["aof_rewrites_consecutive_failures", 0],
    ["aof_last_write_status", aof === undefined || aof.lastWriteOk ? "ok" : "err"],
    ["aof_last_cow_size", 0],
    ["module_fork_in_progress", 0],
    ["module_fork_last_cow_size", 0],
  );
  if (aof) {
    fields.push(
      ["aof_current_size", aof.size],
      ["aof_base_size", aof.baseSize],
      ["aof_pending_rewrite", 0],
      ["aof_buffer_length", 0],
      ["aof_pending_bio_fsync", 0],
      ["aof_delayed_fsync", 0],
    );
  }
  return fields;
}

function statsSection(server: Server): Fields {
  const stats = server.stats;
  const metrics = server.metrics;
  return [
    ["total_connections_received", stats.connectionsReceived],
    ["total_commands_processed", stats.commandsProcessed],
    ["instantaneous_ops_per_sec", metrics.opsPerSecond],
    ["total_net_input_bytes", stats.netInputBytes],
    ["total_net_output_bytes", stats.netOutputBytes],
    ["total_net_repl_input_bytes", 0],
    ["total_net_repl_output_bytes", 0],
    ["instantaneous_input_kbps", metrics.inputKbps.toFixed(2)],
    ["instantaneous_output_kbps", metrics.outputKbps.toFixed(2)],
    ["instantaneous_input_repl_kbps", "0.00"],
    ["instantaneous_output_repl_kbps", "0.00"],
    ["rejected_connections", stats.rejectedConnections],
    ["sync_full", 0],
    ["sync_partial_ok", 0],
    ["sync_partial_err", 0],
    ["expired_keys", stats.expiredKeys],
    ["expired_stale_perc", "0.00"],
    ["expired_time_cap_reached_count", 0],
    ["expire_cycle_cpu_milliseconds", Math.round(server.expireCycleMillis)],
    ["evicted_keys", stats.evictedKeys],
    ["evicted_clients", 0],
    ["total_eviction_exceeded_time", 0],
    ["current_eviction_exceeded_time", 0],
    ["keyspace_hits", stats.keyspaceHits],
    ["keyspace_misses", stats.keyspaceMisses],
    ["pubsub_channels", server.pubsub.channelCount],
    ["pubsub_patterns", server.pubsub.patternCount],
    ["pubsubshard_channels", server.pubsub.shardChannelCount],
    ["latest_fork_usec", 0],
    ["total_forks", 0],
    ["migrate_cached_sockets", 0],
    ["slave_expires_tracked_keys", 0],
    ["active_defrag_hits", 0],
    ["active_defrag_misses", 0],
    ["active_defrag_key_hits", 0],
    ["active_defrag_key_misses", 0],
    ["total_active_defrag_time", 0],
    ["current_active_defrag_time", 0],
    ["tracking_total_keys", 0],
    ["tracking_total_items", 0],
    ["tracking_total_prefixes", 0],
    ["unexpected_error_replies", 0],
    ["total_error_replies", stats.errorReplies],
    ["dump_payload_sanitizations", 0],
    // The transport does not count read and write events; the figures stay 0 until it does.
    ["total_reads_processed", 0],
    ["total_writes_processed", 0],
    ["io_threaded_reads_processed", 0],
    ["io_threaded_writes_processed", 0],
    ["reply_buffer_shrinks", 0],
    ["reply_buffer_expands", 0],
  ];
}

function replicationSection(server: Server): Fields {
  return [
    ["role", "master"],
    ["connected_slaves", 0],
    ["master_failover_state", "no-failover"],
    ["master_replid", server.replicationId],
    ["master_replid2", "0".repeat(40)],
    ["master_repl_offset", 0],
    ["second_repl_offset", -1],
    ["repl_backlog_active", 0],
    ["repl_backlog_size", 1048576],
    ["repl_backlog_first_byte_offset", 0],
    ["repl_backlog_histlen", 0],
  ];
}

function cpuSection(): Fields {
  const cpu = process.cpuUsage();
  // JavaScript runs on the main thread; the process figures stand in for the main thread's.
  return [
    ["used_cpu_sys", cpuSeconds(cpu.system)],
    ["used_cpu_user", cpuSeconds(cpu.user)],
    ["used_cpu_sys_children", "0.000000"],
    ["used_cpu_user_children", "0.000000"],
    ["used_cpu_sys_main_thread", cpuSeconds(cpu.system)],
    ["used_cpu_user_main_thread", cpuSeconds(cpu.user)],
  ];
}

function commandStatsSection(server: Server): Fields {
  const fields: Fields = [];
  for (const [name, stats] of server.stats.commands) {
    if (stats.calls === 0 && stats.failedCalls === 0 && stats.rejectedCalls === 0) continue;
    const perCall = stats.calls === 0 ? 0 : stats.usec / stats.calls;
    fields.push([`cmdstat_${name}`, `calls=${stats.calls},usec=${stats.usec},usec_per_call=${perCall.toFixed(2)},rejected_calls=${stats.rejectedCalls},failed_calls=${stats.failedCalls}`]);
  }
  return fields;
}

function errorStatsSection(server: Server): Fields {
  // Redis keeps error codes in a radix tree, so they come out sorted.
  return [...server.stats.errors].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([code, count]) => [`errorstat_${code}`, `count=${count}`]);
}

/** Redis's avg_ttl estimate: the mean remaining TTL of (up to) the first 64 keys with one. */
function averageTtl(expires: ReadonlyMap<string, number>, now: number): number {
  let sum = 0;
  let count = 0;
  for (const when of expires.values()) {
    if (when > now) {
      sum += when - now;
      count++;
    }
    if (count >= 64) break;
  }
  return count === 0 ? 0 : Math.floor(sum / count);
}

function keyspaceSection(server: Server): Fields {
  const now = server.clock.now();
  const fields: Fields = [];
  for (const db of server.keyspace.dbs) {
    if (db.size === 0) continue;
    fields.push([`db${db.id}`, `keys=${db.size},expires=${db.expires.size},avg_ttl=${averageTtl(db.expires, now)}`]);
  }
  return fields;
}

/** Every section in Redis's order: the name INFO takes, the header it prints, its fields. */
const SECTIONS: [string, string, (server: Server) => Fields][] = [
  ["server", "Server", serverSection],
  ["clients", "Clients", clientsSection],
  ["memory", "Memory", memorySection],
  ["persistence", "Persistence", persistenceSection],
  ["stats", "Stats", statsSection],
  ["replication", "Replication", replicationSection],
  ["cpu", "CPU", cpuSection],
  ["modules", "Modules", () => []],
  ["commandstats", "Commandstats", commandStatsSection],
  ["errorstats", "Errorstats", errorStatsSection],
  // Per-command latency percentiles need latency tracking, which is off (latency-tracking no).
  ["latencystats", "Latencystats", () => []],
  ["cluster", "Cluster", () => [["cluster_enabled", 0]]],
  ["keyspace", "Keyspace", keyspaceSection],
];

/**
 * INFO's text for the section arguments (`args` after the command name): none means the default
 * sections; `default`, `all` and `everything` name groups; names are case-insensitive and each
 * section shows once, in Redis's order, whatever the order asked.
 */
export function infoText(server: Server, args: readonly string[]): string {
  const wanted = new Set<string>();
  let all = false;
  if (args.length === 0) for (const name of DEFAULT_SECTIONS) wanted.add(name);
  for (const arg of args) {
    const name = arg.toLowerCase();
    if (name === "default") for (const section of DEFAULT_SECTIONS) wanted.add(section);
    else if (name === "all" || name === "everything") all = true;
    else wanted.add(name === "module_list" ? "modules" : name);
  }
  let text = "";
  let count = 0;
  for (const [name, title, fields] of SECTIONS) {
    if (!all && !wanted.has(name)) continue;
    if (count++ > 0) text += "\r\n";
    text += `# ${title}\r\n`;
    for (const [field, value] of fields(server)) text += `${field}:${value}\r\n`;
  }
  return text;
}
