namespace Privacy.Enforcement;

/// <summary>Typical services the standard policy declares; a host adds its own and names their providers.</summary>
public static class StandardServices
{
    /// <summary>Delivering goods the user ordered: name, phone and address go to the carrier.</summary>
    public const string Delivery = "delivery";

    /// <summary>Taking payment: name and payment instrument go to the payment processor.</summary>
    public const string Payment = "payment";
}
