package dev.rollcall.channels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rollcall.channels.Token.Reason;
import dev.rollcall.channels.Token.Verification;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.Chars;
import net.jqwik.api.constraints.NumericChars;
import org.junit.jupiter.api.Test;

class TokenTest {
  private static final String SECRET = "a-secret-of-at-least-thirty-two-characters";
  private static final String SALT = "user socket";
  private static final Instant SIGNED = Instant.parse("2026-11-28T12:00:00Z");
  private static final Duration DAY = Duration.ofDays(1);

  private static Clock at(Instant now) {
    return Clock.fixed(now, ZoneOffset.UTC);
  }

  private static Verification verify(String token, Instant now) {
    return Token.verify(token, SECRET, SALT, DAY, at(now));
  }

  @Property(tries = 200)
  void signedDataVerifiesUnchanged(
      @ForAll @AlphaChars @NumericChars @Chars({' ', ':', '.', '{', '"', 'é', '漢'}) String data) {
    String token = Token.sign(data, SECRET, SALT, SIGNED);

    assertThat(verify(token, SIGNED.plusSeconds(5)))
        .isEqualTo(new Verification.Valid(data, SIGNED));
  }

  @Test
  void looksLikeAPhoenixToken() {
    String token = Token.sign("hero-1", SECRET, SALT, SIGNED);

    assertThat(token).startsWith("SFMyNTY.").matches("[A-Za-z0-9_.-]+").containsOnlyOnce("SFMyNTY");
  }

  @Test
  void aTokenAsOldAsMaxAgeIsValidOneMillisecondLaterExpired() {
    String token = Token.sign("hero-1", SECRET, SALT, SIGNED);

    assertThat(verify(token, SIGNED.plus(DAY))).isInstanceOf(Verification.Valid.class);
    assertThat(verify(token, SIGNED.plus(DAY).plusMillis(1)))
        .isEqualTo(new Verification.Invalid(Reason.EXPIRED));
  }

  @Test
  void aTokenSignedWithAnotherSecretIsForged() {
    String forged = Token.sign("hero-1", "another-secret-of-thirty-two-characters!", SALT, SIGNED);

    assertThat(verify(forged, SIGNED)).isEqualTo(new Verification.Invalid(Reason.INVALID));
  }

  @Test
  void aTokenSignedWithAnotherSaltIsRefused() {
    String other = Token.sign("hero-1", SECRET, "password reset", SIGNED);

    assertThat(verify(other, SIGNED)).isEqualTo(new Verification.Invalid(Reason.INVALID));
  }

  @Test
  void changedDataInvalidatesTheSignature() {
    String token = Token.sign("hero-1", SECRET, SALT, SIGNED);
    String[] parts = token.split("\\.");
    String otherPayload =
        Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString((SIGNED.toEpochMilli() + ":hero-2").getBytes(StandardCharsets.UTF_8));

    String tampered = parts[0] + "." + otherPayload + "." + parts[2];

    assertThat(verify(tampered, SIGNED)).isEqualTo(new Verification.Invalid(Reason.INVALID));
  }

  @Test
  void aBackdatedSigningTimeCannotRenewAToken() {
    String old = Token.sign("hero-1", SECRET, SALT, SIGNED);
    String[] parts = old.split("\\.");
    Instant later = SIGNED.plus(DAY.multipliedBy(2));
    String renewed =
        Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString((later.toEpochMilli() + ":hero-1").getBytes(StandardCharsets.UTF_8));

    assertThat(verify(parts[0] + "." + renewed + "." + parts[2], later))
        .isEqualTo(new Verification.Invalid(Reason.INVALID));
  }

  @Test
  void aFlippedSignatureCharacterIsInvalid() {
    String token = Token.sign("hero-1", SECRET, SALT, SIGNED);
    char last = token.charAt(token.length() - 2);
    String tampered =
        token.substring(0, token.length() - 2)
            + (last == 'A' ? 'B' : 'A')
            + token.charAt(token.length() - 1);

    assertThat(verify(tampered, SIGNED)).isEqualTo(new Verification.Invalid(Reason.INVALID));
  }

  @Test
  void garbageIsInvalidAndNothingIsMissing() {
    assertThat(verify(null, SIGNED)).isEqualTo(new Verification.Invalid(Reason.MISSING));
    assertThat(verify("", SIGNED)).isEqualTo(new Verification.Invalid(Reason.MISSING));
    for (String garbage :
        new String[] {"x", "SFMyNTY", "SFMyNTY..", "SFMyNTY.!!.!!", "a.b.c", "SFMyNTY.a.b.c"}) {
      assertThat(verify(garbage, SIGNED))
          .as(garbage)
          .isEqualTo(new Verification.Invalid(Reason.INVALID));
    }
  }

  @Property(tries = 300)
  void randomTokensNeverVerify(@ForAll String garbage) {
    assertThat(verify("SFMyNTY." + garbage, SIGNED)).isInstanceOf(Verification.Invalid.class);
  }

  @Test
  void aShortSecretIsRefused() {
    assertThatThrownBy(() -> Token.sign("hero-1", "short"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("secret must be at least 32 characters");
  }
}
