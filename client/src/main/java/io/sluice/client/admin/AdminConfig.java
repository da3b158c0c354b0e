package io.sluice.client.admin;

import io.sluice.client.CommonConfig;
import io.sluice.client.ConfigDef;
import java.util.Map;

/** The admin client's configuration: the common client keys only. Immutable and thread-safe. */
public final class AdminConfig extends CommonConfig {
    /** Every key an admin client accepts, with its default. */
    public static final ConfigDef DEF = CommonConfig.commonDef();

    public AdminConfig(Map<?, ?> props) {
        super(DEF, props, "admin");
    }
}
