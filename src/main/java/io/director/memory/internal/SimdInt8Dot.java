package io.director.memory.internal;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/** {@link Int8Dot} on the CPU's widest integer vectors: bytes widened to ints, multiplied, summed. */
final class SimdInt8Dot extends Int8Dot {
  private static final VectorSpecies<Integer> INTS = IntVector.SPECIES_PREFERRED;
  private static final VectorSpecies<Byte> BYTES = ByteVector.SPECIES_64.length() == INTS.length()
      ? ByteVector.SPECIES_64 : VectorSpecies.of(byte.class, VectorShape.forBitSize(INTS.length() * 8));

  @Override
  int dot(byte[] a, int aOffset, byte[] b, int length) {
    int lanes = INTS.length();
    IntVector sum = IntVector.zero(INTS);
    int i = 0;
    for (; i + lanes <= length; i += lanes) {
      IntVector x = (IntVector) ByteVector.fromArray(BYTES, a, aOffset + i).convertShape(VectorOperators.B2I, INTS, 0);
      IntVector y = (IntVector) ByteVector.fromArray(BYTES, b, i).convertShape(VectorOperators.B2I, INTS, 0);
      sum = x.mul(y).add(sum);
    }
    int total = sum.reduceLanes(VectorOperators.ADD);
    for (; i < length; i++) total += a[aOffset + i] * b[i];
    return total;
  }

  @Override
  String name() {
    return "simd-" + INTS.vectorBitSize();
  }
}
