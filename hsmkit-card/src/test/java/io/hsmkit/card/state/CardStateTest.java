package io.hsmkit.card.state;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@link CardState#copy()} shares file contents but stays independent of the original. */
class CardStateTest {
  static CardState state() {
    KeyRecord device =
        new KeyRecord(0, KeyRecord.KeyType.EC, 256, "brainpoolP256r1", new byte[] {1},
            new byte[] {2}, new byte[0]);
    CardState s = CardState.factoryNew(device, new byte[] {0x7F, 0x21});
    s.putFile(0x2F00, new byte[] {1, 2, 3});
    s.setUserTriesLeft(3);
    return s;
  }

  @Test
  void copy_changesToTheCopy_doNotReachTheOriginal() {
    CardState original = state();
    CardState copy = original.copy();

    copy.putFile(0x2F00, new byte[] {9});
    copy.putFile(0x2F01, new byte[] {8});
    copy.deleteFile(0x2F02);
    copy.setUserTriesLeft(1);
    copy.deleteKey(0);

    assertThat(original.file(0x2F00)).containsExactly(1, 2, 3);
    assertThat(original.hasFile(0x2F01)).isFalse();
    assertThat(original.file(0x2F02)).containsExactly(0x7F, 0x21);
    assertThat(original.userTriesLeft()).isEqualTo(3);
    assertThat(original.key(0)).isNotNull();
    assertThat(copy).isNotEqualTo(original);
  }

  @Test
  void copy_isEqual_andSharesUnchangedFileContents() {
    CardState original = state();
    CardState copy = original.copy();

    assertThat(copy).isEqualTo(original);
    assertThat(copy.filesInternal().get(0x2F02)).isSameAs(original.filesInternal().get(0x2F02));
  }

  @Test
  void putFile_storesAPrivateClone() {
    CardState s = state();
    byte[] content = {5, 6};
    s.putFile(0x2F03, content);
    content[0] = 0;

    assertThat(s.file(0x2F03)).containsExactly(5, 6);
  }
}
