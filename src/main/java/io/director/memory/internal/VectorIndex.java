package io.director.memory.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The vectors of every tenant's index rows, held in this instance's memory for exact
 * nearest-neighbour search: each vector quantized to int8 with its own scale (≈ 400 bytes per
 * 384-dimension vector), scanned with SIMD dot products under the caller's filters. It only
 * proposes candidates; search re-reads them from PostgreSQL, so a row deleted a moment ago on
 * another instance is never returned.
 */
final class VectorIndex {
  private static final int CHUNK = 4096;
  private final Map<String, Tenant> tenants = new ConcurrentHashMap<>();
  private final Int8Dot dot;
  private volatile int dimensions;

  VectorIndex(Int8Dot dot) {
    this.dot = dot;
  }

  /** One indexed row: who owns it, what filters see, and its (unnormalized) vector. */
  record Entry(UUID id, String tenant, long namespaceId, String kind, long tagBloom, long createdAtMillis, long changedAtMicros,
      float[] vector) {}

  /** What a search keeps; an empty set means any. {@code tagBloom} 0 means any. Checked per row, so kept in arrays. */
  record Filter(Set<Long> namespaces, Set<String> kinds, long tagBloom, long sinceMillis) {
    Filter {
      namespaces = Set.copyOf(namespaces);
      kinds = Set.copyOf(kinds);
    }

    Compiled compile() {
      return new Compiled(namespaces.stream().mapToLong(Long::longValue).toArray(), kinds.stream().map(String::intern).toArray(String[]::new),
          tagBloom, sinceMillis);
    }
  }

  /** A filter as the scan uses it: no boxing, kinds compared by identity (they are interned). */
  record Compiled(long[] namespaces, String[] kinds, long tagBloom, long sinceMillis) {
    boolean admits(long namespace, String kind, long bloom, long created) {
      if (created < sinceMillis || (bloom & tagBloom) != tagBloom) return false;
      if (namespaces.length > 0) {
        boolean found = false;
        for (long n : namespaces) found |= n == namespace;
        if (!found) return false;
      }
      if (kinds.length > 0) {
        for (String k : kinds) if (k == kind) return true;
        return false;
      }
      return true;
    }
  }

  record Hit(UUID id, float similarity) {}

  String implementation() {
    return dot.name();
  }

  /** Adds or replaces a row. A vector of another length than the index's replaces nothing and is refused. */
  boolean put(Entry e) {
    if (dimensions == 0) dimensions = e.vector().length;
    if (e.vector().length != dimensions) return false;
    tenants.computeIfAbsent(e.tenant(), t -> new Tenant()).put(e, quantize(e.vector()));
    return true;
  }

  void remove(String tenant, UUID id) {
    Tenant t = tenants.get(tenant);
    if (t != null) t.remove(id);
  }

  /** The row's change stamp, or -1 when it is not held. */
  long changedAt(String tenant, UUID id) {
    Tenant t = tenants.get(tenant);
    return t == null ? -1 : t.changedAt(id);
  }

  void clear() {
    tenants.clear();
  }

  int size() {
    return tenants.values().stream().mapToInt(Tenant::size).sum();
  }

  /** Bytes held by vectors and their metadata (allocated capacity, not just what is used). */
  long bytes() {
    return tenants.values().stream().mapToLong(t -> t.bytes(dimensions)).sum();
  }

  /** The {@code n} most similar rows of the tenant that pass the filter, most similar first. */
  List<Hit> search(String tenant, float[] query, Filter filter, int n) {
    Tenant t = tenants.get(tenant);
    if (t == null || query.length != dimensions || n <= 0) return List.of();
    Quantized q = quantize(query);
    return t.search(q, filter.compile(), n, dot, dimensions);
  }

  /** A tag's bit in the 64-bit filter mask (two bits per tag; false positives are re-checked in SQL). */
  static long bloom(Iterable<String> tags) {
    long bits = 0;
    for (String tag : tags) {
      int h = tag.hashCode() * 0x9E3779B9;
      bits |= 1L << (h & 63) | 1L << ((h >>> 6) & 63);
    }
    return bits;
  }

  record Quantized(byte[] values, float scale) {}

  /** L2-normalizes, then scales so the largest component is ±127. */
  static Quantized quantize(float[] v) {
    double norm = 0;
    for (float x : v) norm += (double) x * x;
    norm = Math.sqrt(norm);
    float max = 0;
    for (float x : v) max = Math.max(max, Math.abs(x));
    byte[] out = new byte[v.length];
    if (norm == 0 || max == 0) return new Quantized(out, 0);
    float scale = (float) (max / norm / 127.0);
    for (int i = 0; i < v.length; i++) out[i] = (byte) Math.round(v[i] / norm / scale);
    return new Quantized(out, scale);
  }

  /** One tenant's rows, kept dense: a removed row's slot takes the last row. */
  private static final class Tenant {
    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private final Map<UUID, Integer> slots = new HashMap<>();
    private final List<byte[]> chunks = new ArrayList<>();
    private UUID[] ids = new UUID[0];
    private float[] scales = new float[0];
    private long[] namespaces = new long[0];
    private String[] kinds = new String[0];
    private long[] blooms = new long[0];
    private long[] created = new long[0];
    private long[] changed = new long[0];
    private int size;

    void put(Entry e, Quantized q) {
      lock.writeLock().lock();
      try {
        Integer slot = slots.get(e.id());
        int s = slot != null ? slot : size++;
        if (slot == null) {
          ensureCapacity(s + 1, q.values().length);
          slots.put(e.id(), s);
        }
        System.arraycopy(q.values(), 0, chunks.get(s / CHUNK), (s % CHUNK) * q.values().length, q.values().length);
        ids[s] = e.id();
        scales[s] = q.scale();
        namespaces[s] = e.namespaceId();
        kinds[s] = e.kind().intern();
        blooms[s] = e.tagBloom();
        created[s] = e.createdAtMillis();
        changed[s] = e.changedAtMicros();
      } finally {
        lock.writeLock().unlock();
      }
    }

    void remove(UUID id) {
      lock.writeLock().lock();
      try {
        Integer slot = slots.remove(id);
        if (slot == null) return;
        int last = --size;
        if (slot != last) {
          int dims = chunks.get(0).length / CHUNK;
          System.arraycopy(chunks.get(last / CHUNK), (last % CHUNK) * dims, chunks.get(slot / CHUNK), (slot % CHUNK) * dims, dims);
          ids[slot] = ids[last];
          scales[slot] = scales[last];
          namespaces[slot] = namespaces[last];
          kinds[slot] = kinds[last];
          blooms[slot] = blooms[last];
          created[slot] = created[last];
          changed[slot] = changed[last];
          slots.put(ids[slot], slot);
        }
        ids[last] = null;
        kinds[last] = null;
      } finally {
        lock.writeLock().unlock();
      }
    }

    long changedAt(UUID id) {
      lock.readLock().lock();
      try {
        Integer slot = slots.get(id);
        return slot == null ? -1 : changed[slot];
      } finally {
        lock.readLock().unlock();
      }
    }

    int size() {
      lock.readLock().lock();
      try {
        return size;
      } finally {
        lock.readLock().unlock();
      }
    }

    long bytes(int dims) {
      lock.readLock().lock();
      try {
        // vectors + scale, namespace, bloom, created, changed, id (two longs and a header), kind ref, map entry
        return (long) chunks.size() * CHUNK * dims + (long) ids.length * (4 + 8 + 8 + 8 + 8 + 32 + 4) + (long) slots.size() * 48;
      } finally {
        lock.readLock().unlock();
      }
    }

    private void ensureCapacity(int needed, int dims) {
      while (chunks.size() * CHUNK < needed) chunks.add(new byte[CHUNK * dims]);
      if (ids.length < needed) {
        int capacity = Math.max(needed, ids.length + (ids.length >> 1) + 16);
        ids = Arrays.copyOf(ids, capacity);
        scales = Arrays.copyOf(scales, capacity);
        namespaces = Arrays.copyOf(namespaces, capacity);
        kinds = Arrays.copyOf(kinds, capacity);
        blooms = Arrays.copyOf(blooms, capacity);
        created = Arrays.copyOf(created, capacity);
        changed = Arrays.copyOf(changed, capacity);
      }
    }

    List<Hit> search(Quantized q, VectorIndex.Compiled filter, int n, Int8Dot dot, int dims) {
      lock.readLock().lock();
      try {
        int[] topSlot = new int[n];
        float[] topScore = new float[n];
        int found = 0;
        byte[] query = q.values();
        for (int c = 0; c * CHUNK < size; c++) {
          byte[] chunk = chunks.get(c);
          int end = Math.min(size, (c + 1) * CHUNK);
          for (int s = c * CHUNK; s < end; s++) {
            if (!filter.admits(namespaces[s], kinds[s], blooms[s], created[s])) continue;
            float score = dot.dot(chunk, (s - c * CHUNK) * dims, query, dims) * scales[s] * q.scale();
            if (found < n) {
              topSlot[found] = s;
              topScore[found] = score;
              found++;
              siftUp(topSlot, topScore, found - 1);
            } else if (score > topScore[0]) {
              topSlot[0] = s;
              topScore[0] = score;
              siftDown(topSlot, topScore, found);
            }
          }
        }
        Integer[] order = new Integer[found];
        for (int i = 0; i < found; i++) order[i] = i;
        Arrays.sort(order, (a, b) -> Float.compare(topScore[b], topScore[a]));
        List<Hit> hits = new ArrayList<>(found);
        for (int i : order) hits.add(new Hit(ids[topSlot[i]], topScore[i]));
        return hits;
      } finally {
        lock.readLock().unlock();
      }
    }

    /** A min-heap on score, so the weakest of the best n is at the root. */
    private static void siftUp(int[] slot, float[] score, int i) {
      while (i > 0) {
        int parent = (i - 1) / 2;
        if (score[parent] <= score[i]) return;
        swap(slot, score, i, parent);
        i = parent;
      }
    }

    private static void siftDown(int[] slot, float[] score, int size) {
      int i = 0;
      while (true) {
        int l = 2 * i + 1, r = l + 1, least = i;
        if (l < size && score[l] < score[least]) least = l;
        if (r < size && score[r] < score[least]) least = r;
        if (least == i) return;
        swap(slot, score, i, least);
        i = least;
      }
    }

    private static void swap(int[] slot, float[] score, int a, int b) {
      int s = slot[a];
      slot[a] = slot[b];
      slot[b] = s;
      float f = score[a];
      score[a] = score[b];
      score[b] = f;
    }
  }
}
