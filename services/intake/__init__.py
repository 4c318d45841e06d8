"""The intake service: the record of each laid-off worker and of the people who serve them."""
