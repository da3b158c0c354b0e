package io.sluice.client;

import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.SluiceException;

/** A client configuration that cannot be used: an unknown key or a bad value. The message names both. */
public class ConfigException extends SluiceException {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(ErrorCode.INVALID_CONFIG, message);
    }
}
