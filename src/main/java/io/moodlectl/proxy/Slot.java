package io.moodlectl.proxy;

/** One of the proxy's two backend places. */
public enum Slot {
    BLUE, GREEN;

    public Slot other() {
        return this == BLUE ? GREEN : BLUE;
    }

    public String id() {
        return name().toLowerCase();
    }
}
