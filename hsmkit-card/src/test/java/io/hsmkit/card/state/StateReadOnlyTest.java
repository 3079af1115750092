package io.hsmkit.card.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A committed state can only change through a store: {@link CardState} has no public mutator,
 * its reads are copies, and a draft changed after its commit does not reach the store.
 */
class StateReadOnlyTest {

  @Test
  void cardState_hasNoPublicMutator() {
    List<String> mutators = Arrays.stream(CardState.class.getMethods())
        .filter(m -> m.getDeclaringClass() == CardState.class)
        .filter(m -> Modifier.isPublic(m.getModifiers()) && !Modifier.isStatic(m.getModifiers()))
        .map(Method::getName)
        .filter(n -> n.startsWith("set") || n.startsWith("put") || n.startsWith("delete")
            || n.startsWith("wipe") || n.equals("restore") || n.equals("copy"))
        .toList();

    assertThat(mutators).isEmpty();
  }

  @Test
  void reads_areCopies_soChangingThemLeavesTheCommittedStateAlone() throws Exception {
    MemoryStateStore store = new MemoryStateStore(withShares());
    CardState committed = store.current();

    committed.file(0x2F02)[0] = 0;
    committed.files().get(0x2F02)[1] = 0;
    committed.pendingShares().get(0)[0] = 0;
    committed.shareDigests().get(0)[0] = 0;
    committed.dkekSealed()[0] = 0;

    CardState again = store.current();
    assertThat(again.file(0x2F02)).containsExactly(0x7F, 0x21);
    assertThat(again.pendingShares().get(0)).containsExactly(1, 2);
    assertThat(again.shareDigests().get(0)).containsExactly(3, 4);
    assertThat(again.dkekSealed()).containsExactly(5);
    assertThatThrownBy(() -> committed.files().remove(0x2F02))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> committed.fileIds().remove(0x2F02))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> committed.keys().remove(0))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> committed.pendingShares().clear())
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void memoryStore_draftChangedAfterCommit_doesNotReachTheStore() {
    MemoryStateStore store = new MemoryStateStore(CardStateTest.state());
    StateDraft d = store.current().edit();
    d.setUserTriesLeft(2);
    assertThat(store.current().userTriesLeft()).isEqualTo(3); // not committed yet

    store.commit(d);
    d.setUserTriesLeft(1);
    d.putFile(0x2F09, new byte[] {1});

    assertThat(store.current().userTriesLeft()).isEqualTo(2);
    assertThat(store.current().hasFile(0x2F09)).isFalse();
  }

  @Test
  void fileStore_draftChangedAfterCommit_doesNotReachMemoryNorDisk(@TempDir Path dir)
      throws Exception {
    try (FileStateStore store = FileStateStore.open(dir, CardStateTest::state)) {
      StateDraft d = store.current().edit();
      d.setUserTriesLeft(2);
      store.commit(d);
      d.setUserTriesLeft(1);

      assertThat(store.current().userTriesLeft()).isEqualTo(2);
    }
    try (FileStateStore reopened = FileStateStore.open(dir, CardStateTest::state)) {
      assertThat(reopened.current().userTriesLeft()).isEqualTo(2);
    }
  }

  private static CardState withShares() {
    StateDraft d = CardStateTest.state().edit();
    d.setPendingShares(List.of(new byte[] {1, 2}));
    d.setShareDigests(List.of(new byte[] {3, 4}));
    d.setDkek(1, 1, new byte[] {5}, new byte[0]);
    return d.state();
  }
}
