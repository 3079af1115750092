package io.hsmkit.bridge;

import io.hsmkit.card.CardOs;

/**
 * What a reader driver needs from a card: the ATR, power and reset, and one command APDU at a
 * time. {@link #of(CardOs)} adapts the emulated SmartCard-HSM; tests may supply fakes.
 */
public interface VirtualCard {

  /** The answer to reset, sent for every vpcd {@code 04}. */
  byte[] atr();

  /** vpcd {@code 01}. */
  void powerOn();

  /** vpcd {@code 00}, and the card's removal when the connection ends. */
  void powerOff();

  /** vpcd {@code 02} (warm reset). */
  void reset();

  /** One encoded command APDU in, one encoded response APDU (data ‖ SW1 SW2) out. */
  byte[] process(byte[] command);

  /** The emulated SmartCard-HSM as a virtual card. */
  static VirtualCard of(CardOs card) {
    return new VirtualCard() {
      @Override
      public byte[] atr() {
        return card.atr();
      }

      @Override
      public void powerOn() {
        card.powerOn();
      }

      @Override
      public void powerOff() {
        card.powerOff();
      }

      @Override
      public void reset() {
        card.reset();
      }

      @Override
      public byte[] process(byte[] command) {
        return card.process(command);
      }

      @Override
      public String toString() {
        return "card " + card.deviceChr();
      }
    };
  }
}
