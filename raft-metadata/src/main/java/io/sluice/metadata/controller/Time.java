package io.sluice.metadata.controller;

/** The wall clock, behind an interface so liveness tests can move time by hand. Implementations are thread-safe. */
public interface Time {

    Time SYSTEM = System::currentTimeMillis;

    long milliseconds();
}
