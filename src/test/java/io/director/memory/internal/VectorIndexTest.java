package io.director.memory.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class VectorIndexTest {
  private static final int DIMS = 384;
  private final Random random = new Random(42);

  @Test
  void simdAndScalarDotProductsAgreeForEveryLengthAndOffset() {
    assertThat(Int8Dot.best().name()).startsWith("simd");
    for (int length : new int[] {1, 7, 8, 15, 16, 17, 63, 384, 385}) {
      byte[] a = new byte[length + 5];
      byte[] b = new byte[length];
      random.nextBytes(a);
      random.nextBytes(b);
      assertThat(Int8Dot.best().dot(a, 5, b, length)).as("length %d", length).isEqualTo(Int8Dot.scalar().dot(a, 5, b, length));
    }
  }

  @Test
  void searchFindsTheSameNeighboursAsExactFloatCosine() {
    VectorIndex index = new VectorIndex(Int8Dot.best());
    List<float[]> vectors = new ArrayList<>();
    List<UUID> ids = new ArrayList<>();
    for (int i = 0; i < 5000; i++) {
      float[] v = vector();
      vectors.add(v);
      ids.add(UUID.randomUUID());
      index.put(new VectorIndex.Entry(ids.get(i), "t1", 1, "memory:memory", 0, i, i, v));
    }
    int agree = 0;
    for (int q = 0; q < 50; q++) {
      float[] query = vector();
      List<Integer> exact = new ArrayList<>();
      for (int i = 0; i < vectors.size(); i++) exact.add(i);
      exact.sort(Comparator.comparingDouble(i -> -cosine(query, vectors.get(i))));
      Set<UUID> truth = Set.copyOf(exact.subList(0, 10).stream().map(ids::get).toList());
      List<VectorIndex.Hit> hits = index.search("t1", query, new VectorIndex.Filter(Set.of(), Set.of(), 0, Long.MIN_VALUE), 10);
      assertThat(hits).hasSize(10);
      assertThat(hits.get(0).similarity()).isGreaterThanOrEqualTo(hits.get(9).similarity());
      agree += (int) hits.stream().filter(h -> truth.contains(h.id())).count();
    }
    // int8 quantization may swap near-ties at the edge of the top 10, nothing more
    assertThat(agree).isGreaterThanOrEqualTo(480);
  }

  @Test
  void filtersTenantsAndRemovalsAreHonoured() {
    VectorIndex index = new VectorIndex(Int8Dot.best());
    float[] v = vector();
    UUID a = UUID.randomUUID();
    UUID b = UUID.randomUUID();
    UUID c = UUID.randomUUID();
    index.put(new VectorIndex.Entry(a, "t1", 1, "memory:memory", VectorIndex.bloom(List.of("infra")), 1000, 1, v));
    index.put(new VectorIndex.Entry(b, "t1", 2, "event:note", 0, 2000, 1, v));
    index.put(new VectorIndex.Entry(c, "t2", 1, "memory:memory", 0, 3000, 1, v));
    VectorIndex.Filter any = new VectorIndex.Filter(Set.of(), Set.of(), 0, Long.MIN_VALUE);
    assertThat(index.search("t1", v, any, 10)).extracting(VectorIndex.Hit::id).containsExactlyInAnyOrder(a, b);
    assertThat(index.search("t2", v, any, 10)).extracting(VectorIndex.Hit::id).containsExactly(c);
    assertThat(index.search("t1", v, new VectorIndex.Filter(Set.of(2L), Set.of(), 0, Long.MIN_VALUE), 10)).extracting(VectorIndex.Hit::id)
        .containsExactly(b);
    assertThat(index.search("t1", v, new VectorIndex.Filter(Set.of(), Set.of("memory:memory"), 0, Long.MIN_VALUE), 10))
        .extracting(VectorIndex.Hit::id).containsExactly(a);
    assertThat(index.search("t1", v, new VectorIndex.Filter(Set.of(), Set.of(), VectorIndex.bloom(List.of("infra")), Long.MIN_VALUE), 10))
        .extracting(VectorIndex.Hit::id).containsExactly(a);
    assertThat(index.search("t1", v, new VectorIndex.Filter(Set.of(), Set.of(), 0, 1500), 10)).extracting(VectorIndex.Hit::id).containsExactly(b);
    index.remove("t1", a);
    assertThat(index.search("t1", v, any, 10)).extracting(VectorIndex.Hit::id).containsExactly(b);
    assertThat(index.size()).isEqualTo(2);
    assertThat(index.search("t1", v, any, 10).get(0).similarity()).isCloseTo(1.0f, org.assertj.core.data.Offset.offset(0.02f));
  }

  @Test
  void removingFromTheMiddleKeepsEveryOtherVectorFindable() {
    VectorIndex index = new VectorIndex(Int8Dot.best());
    List<UUID> ids = new ArrayList<>();
    List<float[]> vs = new ArrayList<>();
    for (int i = 0; i < 9000; i++) {
      ids.add(UUID.randomUUID());
      vs.add(vector());
      index.put(new VectorIndex.Entry(ids.get(i), "t", 1, "memory:memory", 0, 0, 0, vs.get(i)));
    }
    for (int i = 0; i < 9000; i += 3) index.remove("t", ids.get(i));
    VectorIndex.Filter any = new VectorIndex.Filter(Set.of(), Set.of(), 0, Long.MIN_VALUE);
    for (int i = 1; i < 9000; i += 997) {
      List<VectorIndex.Hit> hits = index.search("t", vs.get(i), any, 1);
      assertThat(hits.get(0).id()).isEqualTo(i % 3 == 0 ? hits.get(0).id() : ids.get(i));
    }
    assertThat(index.size()).isEqualTo(6000);
  }

  private float[] vector() {
    float[] v = new float[DIMS];
    for (int i = 0; i < DIMS; i++) v[i] = (float) random.nextGaussian();
    return v;
  }

  private static double cosine(float[] a, float[] b) {
    double dot = 0, na = 0, nb = 0;
    for (int i = 0; i < a.length; i++) {
      dot += a[i] * b[i];
      na += a[i] * a[i];
      nb += b[i] * b[i];
    }
    return dot / Math.sqrt(na * nb);
  }
}
