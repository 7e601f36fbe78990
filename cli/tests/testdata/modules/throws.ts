throw new RangeError("thrown while evaluated");
