"""`graphlens.tensor.signal`, as Theano's `theano.tensor.signal`: `pool`, `downsample` and `conv`."""
