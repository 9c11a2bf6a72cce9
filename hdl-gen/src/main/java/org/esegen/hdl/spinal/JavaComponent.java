package org.esegen.hdl.spinal;

import spinal.core.Component;

/**
 * Base of every hardware module written in Java. The subclass constructor is the module body:
 * it declares ports and logic with {@link Hdl}'s helpers, in the order a Scala SpinalHDL
 * component would. Ports the parent needs are exposed as {@code public final} fields.
 *
 * <p>Construct a subclass only inside {@link VerilogEmitter#emit}'s supplier, directly for the
 * top, or wrapped in {@link Hdl#child} inside a parent's constructor.
 */
public abstract class JavaComponent extends Component {

    /**
     * @param moduleName the Verilog module name. Instances that build identical hardware share
     *                   one module; an instance with other hardware under a name already taken
     *                   gets the name with a suffix {@code _1}, {@code _2}, ... in elaboration order
     */
    protected JavaComponent(String moduleName) {
        setDefinitionName(moduleName, false);
    }
}
