package io.director.memory.internal;

/**
 * Dot products of int8 vectors, the inner loop of vector search. The SIMD version (the incubating
 * Vector API) is used when the JVM was started with {@code --add-modules=jdk.incubator.vector};
 * otherwise a scalar loop, several times slower, gives the same answers.
 */
abstract class Int8Dot {
  private static final Int8Dot BEST = choose();

  /** Σ a[aOffset + i] · b[i] for i below {@code length}. */
  abstract int dot(byte[] a, int aOffset, byte[] b, int length);

  abstract String name();

  static Int8Dot best() {
    return BEST;
  }

  static Int8Dot scalar() {
    return new Scalar();
  }

  private static Int8Dot choose() {
    if (ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) {
      try {
        return (Int8Dot) Class.forName("io.director.memory.internal.SimdInt8Dot").getDeclaredConstructor().newInstance();
      } catch (ReflectiveOperationException | LinkageError e) {
        return new Scalar();
      }
    }
    return new Scalar();
  }

  static final class Scalar extends Int8Dot {
    @Override
    int dot(byte[] a, int aOffset, byte[] b, int length) {
      int s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      int i = 0;
      for (; i + 3 < length; i += 4) {
        s0 += a[aOffset + i] * b[i];
        s1 += a[aOffset + i + 1] * b[i + 1];
        s2 += a[aOffset + i + 2] * b[i + 2];
        s3 += a[aOffset + i + 3] * b[i + 3];
      }
      for (; i < length; i++) s0 += a[aOffset + i] * b[i];
      return s0 + s1 + s2 + s3;
    }

    @Override
    String name() {
      return "scalar";
    }
  }
}
