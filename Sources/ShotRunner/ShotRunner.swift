/// Plans, records and scheduling for `shotc run`.
public enum ShotRunner {}
