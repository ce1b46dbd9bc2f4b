namespace Privacy.Enforcement;

/// <summary>How personal information passes to a recipient ("provide, sell, rent, share or trade").</summary>
public enum TransferKind
{
    /// <summary>Shared or provided without consideration.</summary>
    Share = 0,

    /// <summary>Sold.</summary>
    Sell = 1,

    /// <summary>Rented.</summary>
    Rent = 2,

    /// <summary>Traded for something in return.</summary>
    Trade = 3,
}
