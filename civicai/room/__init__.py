"""The facilitators' room: the hub service « salle » (who is in, the room's answers), and its kernel hook."""
