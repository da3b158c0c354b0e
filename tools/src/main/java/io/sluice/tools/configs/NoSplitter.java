package io.sluice.tools.configs;

import com.beust.jcommander.converters.IParameterSplitter;
import java.util.List;

/**
 * Keeps a repeatable flag's value whole. jcommander splits list values at commas by default, which
 * would cut {@code bootstrap.servers=a:9092,b:9092} or {@code cleanup.policy=compact,delete} apart.
 */
public final class NoSplitter implements IParameterSplitter {
    @Override
    public List<String> split(String value) {
        return List.of(value);
    }
}
