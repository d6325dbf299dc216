package io.director.platform.config;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** An IP address range such as {@code 10.0.0.0/8}, {@code 127.0.0.1} or {@code ::1/128}. */
public record Cidr(byte[] network, int prefix) {

  public static Cidr parse(String text) {
    String t = text.trim();
    int slash = t.indexOf('/');
    String address = slash >= 0 ? t.substring(0, slash) : t;
    boolean literal = address.contains(":") ? address.matches("[0-9A-Fa-f:.]+") : address.matches("\\d{1,3}(\\.\\d{1,3}){3}");
    if (!literal) throw new IllegalArgumentException("'" + text + "' is not an IP address or CIDR");
    byte[] bytes;
    try {
      bytes = InetAddress.getByName(address).getAddress(); // a literal: no DNS lookup
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("'" + text + "' is not an IP address or CIDR");
    }
    int prefix = bytes.length * 8;
    if (slash >= 0) {
      try {
        prefix = Integer.parseInt(t.substring(slash + 1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("'" + text + "' has an invalid prefix length");
      }
      if (prefix < 0 || prefix > bytes.length * 8) throw new IllegalArgumentException("'" + text + "' has an invalid prefix length");
    }
    return new Cidr(bytes, prefix);
  }

  public boolean contains(InetAddress address) {
    byte[] other = address.getAddress();
    if (other.length != network.length) return false;
    int bits = network.length * 8;
    BigInteger mask = BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE).shiftRight(prefix).not();
    BigInteger a = new BigInteger(1, network).and(mask);
    BigInteger b = new BigInteger(1, other).and(mask);
    return a.equals(b);
  }
}
