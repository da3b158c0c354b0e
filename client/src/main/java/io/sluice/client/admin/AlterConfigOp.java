package io.sluice.client.admin;

/**
 * One incremental change of a config: set a key to a value, or delete the override so the default
 * applies again.
 *
 * @param name the key
 * @param value the new value (ignored for DELETE)
 * @param op set or delete
 */
public record AlterConfigOp(String name, String value, OpType op) {
    /** What to do with the key. */
    public enum OpType { SET, DELETE }

    public static AlterConfigOp set(String name, String value) {
        return new AlterConfigOp(name, value, OpType.SET);
    }

    public static AlterConfigOp delete(String name) {
        return new AlterConfigOp(name, "", OpType.DELETE);
    }
}
