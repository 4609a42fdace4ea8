package dev.rollcall.protocol;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Phoenix's serializer requirements {@code "~> 1.0.0"} and {@code "~> 2.0.0"}: same major and
 * minor, any patch; pre-releases do not match (as Elixir's Version.match?), build metadata is
 * ignored. A missing vsn means "1.0.0" (Phoenix.Socket.__connect__). Stateless.
 */
final class VsnRequirement {
  private static final Pattern VSN =
      Pattern.compile("([12])\\.0\\.(?:0|[1-9][0-9]*)(?:\\+[0-9A-Za-z.-]+)?");

  private VsnRequirement() {}

  static Serializer serializerFor(String vsn) {
    if (vsn == null) {
      return V1JsonSerializer.INSTANCE;
    }
    Matcher matcher = VSN.matcher(vsn);
    if (!matcher.matches()) {
      return null;
    }
    return matcher.group(1).equals("1") ? V1JsonSerializer.INSTANCE : V2JsonSerializer.INSTANCE;
  }
}
